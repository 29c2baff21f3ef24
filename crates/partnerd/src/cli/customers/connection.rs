//! Where the API is and who is asking: flags shared by every `customers` command.

use clap::Args;
use partnerd_client::{Client, DEFAULT_BASE_URL};

use super::failure::Usage;

#[derive(Args)]
pub struct Connection {
    /// The API's root URL, without /v1 (a partnerd, or Partner Center itself).
    #[arg(long, env = "PARTNERD_BASE_URL", default_value = DEFAULT_BASE_URL, global = true)]
    base_url: String,
    /// Bearer token (for a development partnerd: `partnerd token --partner GUID`).
    #[arg(long, env = "PARTNERD_TOKEN", hide_env_values = true, global = true)]
    token: Option<String>,
}

impl Connection {
    pub fn client(&self) -> anyhow::Result<Client> {
        let token = self.token.clone().filter(|t| !t.trim().is_empty()).ok_or_else(|| {
            Usage("no token: pass --token or set PARTNERD_TOKEN (a development server's: `partnerd token`)".into())
        })?;
        let client = Client::builder().base_url(&self.base_url).token(token.trim()).build();
        client.map_err(|e| {
            let hint = if self.base_url.contains("://") {
                String::new()
            } else {
                format!(" (did you mean http://{}?)", self.base_url)
            };
            Usage(format!("--base-url: {e}{hint}")).into()
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}
