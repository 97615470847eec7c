//! The HTTP service (`unbroadcast serve`): a thin shell over [`crate::Engine`] for
//! scheduling tools that lint a post before they publish it. It sits in their
//! publish path, so it answers fast, the same way every time, and never falls
//! over on what a client sends: every failure the app answers is a 4xx problem
//! document. (Requests the HTTP/1 parser refuses never reach the app; actix-http
//! answers those itself, and [`codec_log`] keeps their log lines in bounds.)
//!
//! [`ENDPOINTS`] is the route table; [`create_app`] builds the app from it for
//! both [`run`] and the tests, and a test holds it against `openapi.yaml`. To add
//! a route, add an [`Endpoint`] and describe it in `openapi.yaml`; open paths are
//! listed in [`auth::OPEN`].

pub mod auth;
pub mod body;
pub mod codec_log;
pub mod editor;
pub mod error;
pub mod lint;
pub mod metrics;
pub mod observe;
pub mod ops;
pub mod refusal;
pub mod rules;
pub mod settings;
pub mod state;

use crate::settings::Settings;
use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::{Condition, from_fn};
use actix_web::{App, HttpResponse, HttpServer, Route, web};
use error::{ApiError, Code};
use state::{AppState, EngineSpec, LoadError, Loaded};
use std::sync::Arc;

/// One route: method, path pattern, handler.
pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    handler: fn(Route) -> Route,
}

/// Every route the service answers, in the order of `openapi.yaml`.
pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint { method: Method::POST, path: "/v1/lint", handler: |r| r.to(lint::one) },
    Endpoint { method: Method::POST, path: "/v1/lint/batch", handler: |r| r.to(lint::batch) },
    Endpoint { method: Method::GET, path: "/v1/rules", handler: |r| r.to(rules::list) },
    Endpoint { method: Method::GET, path: "/v1/rules/{id}", handler: |r| r.to(rules::one) },
    Endpoint { method: Method::POST, path: "/v1/admin/reload", handler: |r| r.to(ops::reload) },
    Endpoint { method: Method::GET, path: "/healthz", handler: |r| r.to(ops::healthz) },
    Endpoint { method: Method::GET, path: "/readyz", handler: |r| r.to(ops::readyz) },
    Endpoint { method: Method::GET, path: "/metrics", handler: |r| r.to(ops::metrics) },
    Endpoint { method: Method::GET, path: "/openapi.yaml", handler: |r| r.to(ops::openapi) },
    Endpoint { method: Method::GET, path: "/", handler: |r| r.to(editor::page) },
    Endpoint { method: Method::GET, path: "/editor.css", handler: |r| r.to(editor::style) },
    Endpoint { method: Method::GET, path: "/editor.js", handler: |r| r.to(editor::script) },
];

/// The app: routes, a problem for unknown paths and methods, and the middleware
/// (outermost first): observe (request id, log, metrics), CORS, access.
pub fn create_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors = cors(&state.cors_origins);
    let cors_on = cors.is_some();
    let mut app = App::new().app_data(state);
    let mut paths: Vec<&'static str> = Vec::new();
    for e in ENDPOINTS {
        if !paths.contains(&e.path) {
            paths.push(e.path);
        }
    }
    for path in paths {
        let here = ENDPOINTS.iter().filter(|e| e.path == path);
        let mut allow: Vec<&str> = here.clone().map(|e| e.method.as_str()).collect();
        let mut resource = web::resource(path);
        for e in here {
            resource = resource.route((e.handler)(web::method(e.method.clone())));
            // HEAD wherever GET is (RFC 9110 §9.3.2): the same answer without its
            // body, which actix leaves out. Uptime checks and proxies use it.
            if e.method == Method::GET {
                resource = resource.route((e.handler)(web::method(Method::HEAD)));
                allow.push(Method::HEAD.as_str());
            }
        }
        let allow = allow.join(", ");
        resource = resource.default_service(web::to(move || {
            let e = ApiError::method_not_allowed(&allow);
            async move { Err::<HttpResponse, _>(e) }
        }));
        app = app.service(resource);
    }
    app.default_service(web::to(not_found))
        .wrap(from_fn(auth::check))
        .wrap(Condition::new(cors_on, cors.unwrap_or_default()))
        .wrap(from_fn(observe::observe))
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(Code::NotFound, "no such endpoint; GET /openapi.yaml lists them"))
}

/// CORS for the configured origins; `None` when none are (the default).
fn cors(origins: &[String]) -> Option<Cors> {
    if origins.is_empty() {
        return None;
    }
    let mut c = Cors::default()
        .allowed_methods([Method::GET, Method::POST])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, observe::REQUEST_ID])
        .expose_headers([observe::REQUEST_ID])
        .max_age(3600);
    if origins.iter().any(|o| o == "*") {
        c = c.allow_any_origin();
    } else {
        for o in origins {
            c = c.allowed_origin(o);
        }
    }
    Some(c)
}

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Rules(#[from] LoadError),
    #[error("cannot listen on {addr} (server.bind): {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error("logging: {0}")]
    Logging(String),
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Starts the service and blocks until it has shut down (SIGTERM or SIGINT:
/// in-flight requests finish first). Prints `listening on http://ADDR` to
/// standard output once bound; logs go to standard error.
pub fn run(settings: Settings, spec: EngineSpec) -> Result<(), ServerError> {
    let s = &settings.server;
    // Log lines are written by a background thread, in batches under load, so a
    // request does not wait for a write to standard error. Not lossy: when the
    // writer falls behind, requests wait rather than lines being dropped. The
    // guard flushes what is left when `run` returns.
    let (writer, _flush) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("unbroadcast-log")
        .finish(std::io::BufWriter::new(std::io::stderr()));
    let subscriber = observe::subscriber(s.log_format, &s.log_level, writer).map_err(ServerError::Logging)?;
    // Also routes `log` records (from actix) through the same subscriber.
    tracing_subscriber::util::SubscriberInitExt::try_init(subscriber)
        .map_err(|e| ServerError::Logging(e.to_string()))?;
    // A panic message can quote what it was working on — a draft. Log where, not what.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        tracing::error!(at, "panic");
    }));
    actix_web::rt::System::new().block_on(serve(settings, spec))
}

async fn serve(settings: Settings, spec: EngineSpec) -> Result<(), ServerError> {
    let s = settings.server;
    let loaded = Arc::new(spec.build()?);
    let state = web::Data::new(AppState::new(&s, spec, loaded)?);
    let app_state = state.clone();
    // The factory runs once on each worker thread, before it takes requests.
    let mut server = HttpServer::new(move || {
        app_state.loaded().warm_up();
        create_app(app_state.clone())
    })
    .keep_alive(s.keep_alive.0.unsigned_abs())
    .client_request_timeout(s.request_timeout.0.unsigned_abs())
    .shutdown_timeout(s.shutdown_timeout.0.unsigned_abs().as_secs().max(1))
    .shutdown_signal(shutdown_signal(state.clone()));
    if let Some(n) = s.workers {
        server = server.workers(n);
    }
    let server = server.bind(&s.bind).map_err(|source| ServerError::Bind { addr: s.bind.clone(), source })?;
    let addrs = server.addrs();
    for addr in &addrs {
        // The black-box test and scripts read this line to find a port picked by the OS.
        println!("listening on http://{addr}");
    }
    {
        let loaded = state.loaded();
        let set = loaded.engine.rules();
        tracing::info!(
            listening = ?addrs,
            workers = s.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)),
            max_body = %s.max_body,
            max_batch = s.max_batch,
            api_keys = s.api_keys.len(),
            admin = s.admin_token.is_some(),
            cors = ?s.cors_origins,
            rules = set.rules().len(),
            rules_version = set.version(),
            "unbroadcast serving"
        );
    }
    reload_on_sighup(state.clone());
    server.run().await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM or SIGINT; from then on `/readyz` says no, so a load
/// balancer stops sending while in-flight requests finish.
async fn shutdown_signal(state: web::Data<AppState>) {
    wait_for_stop().await;
    state.set_ready(false);
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(unix)]
async fn wait_for_stop() {
    use actix_web::rt::signal::unix::{SignalKind, signal};
    match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
        (Ok(mut term), Ok(mut int)) => {
            std::future::poll_fn(|cx| {
                if term.poll_recv(cx).is_ready() || int.poll_recv(cx).is_ready() {
                    std::task::Poll::Ready(())
                } else {
                    std::task::Poll::Pending
                }
            })
            .await;
        }
        _ => {
            tracing::warn!("cannot listen for SIGTERM; stopping on Ctrl-C only");
            let _ = actix_web::rt::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_stop() {
    let _ = actix_web::rt::signal::ctrl_c().await;
}

/// SIGHUP reloads the packs, like `POST /v1/admin/reload`.
#[cfg(unix)]
fn reload_on_sighup(state: web::Data<AppState>) {
    use actix_web::rt::signal::unix::{SignalKind, signal};
    actix_web::rt::spawn(async move {
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP; reload with POST /v1/admin/reload");
            return;
        };
        while hup.recv().await.is_some() {
            let st = state.clone();
            match web::block(move || st.reload()).await {
                Ok(Ok(r)) => {
                    tracing::info!(rules = r.rules, rules_version = %r.rules_version, changed = r.changed, "SIGHUP: rules reloaded");
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "SIGHUP: reload refused; the previous rules keep serving"),
                Err(e) => tracing::error!(error = %e, "SIGHUP: the reload task failed"),
            }
        }
    });
}

#[cfg(not(unix))]
fn reload_on_sighup(_state: web::Data<AppState>) {}

/// Builds what the server serves from, for callers that are not `run` (tests).
pub fn load(spec: &EngineSpec) -> Result<Arc<Loaded>, LoadError> {
    spec.build().map(Arc::new)
}
