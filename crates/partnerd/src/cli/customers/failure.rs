//! Exit statuses and the one line a failure prints, stable for scripts:
//! 0 success, 1 failure (unreachable server, server error, I/O), 2 usage (bad flags,
//! missing token, unreadable input), 3 refused by the server (a 4xx: unknown customer,
//! invalid input, bad token...).

use std::process::ExitCode;

/// A mistake in how the command was called; exit status 2, like clap's own.
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

pub const REFUSED: u8 = 3;
pub const USAGE: u8 = 2;

/// The exit status for a failure.
pub fn exit_status(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.is::<Usage>() {
            return USAGE;
        }
        if let Some(e) = cause.downcast_ref::<partnerd_client::Error>() {
            let refused = e.status().is_some_and(|s| (400..500).contains(&s) && s != 429);
            return if refused { REFUSED } else { 1 };
        }
    }
    1
}

/// What to add to a failure's message so that it can be retried safely (`" (to retry
/// without doing it twice: ARGS)"`), only where a retry can succeed: the server failed (5xx)
/// or could not be reached. A 4xx will be refused again, whatever the request id.
pub fn retry_hint(err: &partnerd_client::Error, args: &str) -> String {
    let transient = match err.status() {
        Some(status) => status >= 500,
        None => matches!(err, partnerd_client::Error::Transport(_)),
    };
    if transient {
        format!(" (to retry without doing it twice: {args})")
    } else {
        String::new()
    }
}

/// Every cause on one line, skipping a cause that its parent's message already quotes
/// (the client's errors include their source's text).
pub fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line.replace('\n', " ")
}

/// Standard output's reader went away (`| head`): what it wanted was written.
#[derive(Debug)]
pub struct StdoutClosed;

impl std::fmt::Display for StdoutClosed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("standard output was closed")
    }
}

impl std::error::Error for StdoutClosed {}

/// Standard output, whose broken pipe is told apart from every other one (a request or a
/// file write that breaks is a failure; a reader of our output that leaves is not).
pub fn stdout() -> impl std::io::Write {
    struct Marked(std::io::StdoutLock<'static>);
    impl std::io::Write for Marked {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf).map_err(mark)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.0.flush().map_err(mark)
        }
    }
    fn mark(e: std::io::Error) -> std::io::Error {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, StdoutClosed)
        } else {
            e
        }
    }
    Marked(std::io::stdout().lock())
}

/// Prints the failure as `error: ...` and gives its exit status. A reader of standard output
/// that went away (`| head`) is not a failure: the output it wanted was written.
pub fn report(err: &anyhow::Error) -> ExitCode {
    let stdout_closed = err.chain().any(|c| {
        c.is::<StdoutClosed>()
            || c.downcast_ref::<std::io::Error>()
                .and_then(|e| e.get_ref())
                .is_some_and(|inner| inner.is::<StdoutClosed>())
    });
    if stdout_closed {
        return ExitCode::SUCCESS;
    }
    eprintln!("error: {}{}", one_line(err), fix_hint(err));
    ExitCode::from(exit_status(err))
}

/// What to do about a failure whose fix is not in the server's words: an address where no
/// server answers, or a token the server refused (the most common slips of a first run).
pub fn fix_hint(err: &anyhow::Error) -> &'static str {
    let client = err.chain().find_map(|c| c.downcast_ref::<partnerd_client::Error>());
    match client {
        Some(partnerd_client::Error::Transport(_)) => {
            " (is the server running there? point --base-url or PARTNERD_BASE_URL at it)"
        }
        Some(e) if e.status() == Some(401) => {
            " (the server refused the token: pass one with --token or PARTNERD_TOKEN; \
             a development partnerd's comes from `partnerd token`)"
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use partnerd_client::{ApiError, Error};

    fn api(status: u16, code: i64) -> anyhow::Error {
        let e = Error::Api(ApiError {
            status,
            code,
            description: "The customer was not found.".into(),
            data: vec![],
            request_id: None,
        });
        anyhow::Error::new(e).context("getting customer x")
    }

    #[test]
    fn statuses() {
        assert_eq!(exit_status(&api(404, 1000)), REFUSED);
        assert_eq!(exit_status(&api(500, 800003)), 1);
        assert_eq!(exit_status(&anyhow::Error::new(Error::Throttled { retry_after: None, message: "x".into() })), 1);
        assert_eq!(exit_status(&anyhow::Error::new(Usage("no token".into()))), USAGE);
        assert_eq!(exit_status(&anyhow::anyhow!("disk full")), 1);
    }

    #[test]
    fn the_retry_hint_only_where_a_retry_can_succeed() {
        let api =
            |status| Error::Api(ApiError { status, code: 1, description: "x".into(), data: vec![], request_id: None });
        assert_eq!(retry_hint(&api(400), "--request-id X"), "");
        assert_eq!(retry_hint(&api(409), "--request-id X"), "");
        assert_eq!(retry_hint(&api(503), "--request-id X"), " (to retry without doing it twice: --request-id X)");
        assert!(!retry_hint(&Error::Status { status: 502, body: "bad gateway".into() }, "--request-id X").is_empty());
        assert_eq!(retry_hint(&Error::Url("x".into()), "--request-id X"), "");
    }

    #[test]
    fn the_line_names_code_and_description_once() {
        assert_eq!(one_line(&api(404, 1000)), "getting customer x: HTTP 404, code 1000: The customer was not found.");
        let io = std::io::Error::other("broken pipe");
        let err = anyhow::Error::new(io).context("writing out.csv");
        assert_eq!(one_line(&err), "writing out.csv: broken pipe");
    }

    #[test]
    fn a_refused_token_says_where_a_token_comes_from() {
        assert!(fix_hint(&api(401, 800001)).contains("`partnerd token`"));
        assert_eq!(fix_hint(&api(404, 1000)), "");
        assert_eq!(fix_hint(&anyhow::anyhow!("disk full")), "");
    }

    #[test]
    fn only_a_closed_stdout_is_not_a_failure() {
        let network = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe)).context("sending");
        assert_eq!(report(&network), ExitCode::from(1));
        let stdout = std::io::Error::new(std::io::ErrorKind::BrokenPipe, StdoutClosed);
        assert_eq!(report(&anyhow::Error::new(stdout).context("printing")), ExitCode::SUCCESS);
    }
}
