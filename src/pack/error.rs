//! The one error type for packs: where (file, line, rule, field) and what.

use std::fmt;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    /// A pack (or pack directory) could not be read.
    #[error("{file}: cannot read: {message}")]
    Io { file: String, message: String },
    /// A pack was read but is not acceptable.
    #[error("{}", Located { file, line: *line, rule: rule.as_deref(), field: field.as_deref(), message })]
    Invalid { file: String, line: Option<usize>, rule: Option<String>, field: Option<String>, message: String },
}

impl PackError {
    pub(crate) fn io(path: &Path, e: &std::io::Error) -> Self {
        PackError::Io { file: path.display().to_string(), message: e.to_string() }
    }
}

struct Located<'a> {
    file: &'a str,
    line: Option<usize>,
    rule: Option<&'a str>,
    field: Option<&'a str>,
    message: &'a str,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        write!(f, ":")?;
        if let Some(r) = self.rule {
            write!(f, " rule {r}:")?;
        }
        if let Some(fl) = self.field {
            write!(f, " field `{fl}`:")?;
        }
        write!(f, " {}", self.message)
    }
}
