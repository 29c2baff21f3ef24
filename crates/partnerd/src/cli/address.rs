//! `--listen`: an IP address and a port. The standard parser's refusal ("invalid socket address
//! syntax") does not say what it wants; the usual slips (`8080`, `:8080`, `localhost:8080`) get
//! the address that was probably meant.

use std::net::SocketAddr;

/// Parses `127.0.0.1:8080`, `[::1]:8080`...; a refusal shows the syntax and a likely fix.
pub fn parse(s: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = s.trim().parse() {
        return Ok(addr);
    }
    let port = s.trim().rsplit(':').next().filter(|p| p.parse::<u16>().is_ok());
    let hint = match port {
        Some(port) => format!(" (did you mean 127.0.0.1:{port}, or 0.0.0.0:{port} for every interface?)"),
        None => String::new(),
    };
    Err(format!("'{s}' is not an address: expected IP:PORT like 127.0.0.1:8080 (port 0 for any free port){hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_their_refusals() {
        assert_eq!(parse("127.0.0.1:0").unwrap().port(), 0);
        assert!(parse("[::1]:8080").is_ok());
        for slip in ["8080", ":8080", "localhost:8080"] {
            let refused = parse(slip).unwrap_err();
            assert!(refused.contains("did you mean 127.0.0.1:8080"), "{slip}: {refused}");
        }
        let refused = parse("nope").unwrap_err();
        assert!(refused.contains("expected IP:PORT like 127.0.0.1:8080"), "{refused}");
    }
}
