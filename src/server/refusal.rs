//! Refusals made inside the app by a layer that is not ours — the CORS layer
//! refusing a preflight — re-made as problems, so that every answer the app gives
//! has the one shape of [`super::error`] (and, through [`super::observe`], a
//! request id and a log line naming the problem type).
//!
//! Our handlers read bodies, paths and headers themselves rather than through
//! actix extractors, so no extractor error reaches a client; if one is ever
//! added, map its error here. Refusals by the HTTP/1 codec (a broken request
//! line or header, a head too large or too slow) happen before the app runs and
//! cannot be re-made: see [`super::codec_log`].

use super::error::{ApiError, Code};
use actix_cors::CorsError;
use actix_web::HttpResponse;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header;

/// Our problem for an error that another layer answered with, if we know it.
fn problem_for(e: &actix_web::Error) -> Option<ApiError> {
    let cors = e.as_error::<CorsError>()?;
    Some(ApiError::new(
        Code::CorsRefused,
        format!("CORS preflight refused: {cors}; the server's CORS settings (server.cors_origins) do not allow it"),
    ))
}

/// `res`, or our problem in its place when another layer refused the request.
/// Headers that layer set (such as `Vary`) are kept.
pub fn adopt<B: MessageBody>(res: ServiceResponse<B>) -> ServiceResponse<EitherBody<B>> {
    let Some(problem) = res.response().error().and_then(problem_for) else {
        return res.map_into_left_body();
    };
    let mut answer = HttpResponse::from_error(problem);
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().append(name.clone(), value.clone());
        }
    }
    res.into_response(answer).map_into_right_body()
}
