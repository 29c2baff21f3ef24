//! The partnerd the suite compares with when `--against` is not given: one started here, in
//! memory, with the demo partner's demo customers, on 127.0.0.1 at a free port, and stopped
//! when the suite is done.

use std::time::Duration;

use partnerd_model::PartnerId;
use partnerd_server::{AppState, Config};
use partnerd_store::{Location, Store};

use crate::demo::DEMO_PARTNER;

/// As many customers as `serve` creates on an empty database.
const DEMO_CUSTOMERS: u64 = 250;

pub struct Local {
    pub url: String,
    pub token: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Local {
    pub async fn start() -> anyhow::Result<Local> {
        let store = Store::open(&Location::Memory).await?;
        let demo = PartnerId::parse(DEMO_PARTNER).expect("demo partner is a GUID");
        crate::cli::seed::seed(&store.offline().for_partner(&demo), DEMO_CUSTOMERS, 7).await?;
        let state = AppState::new(store, Config { journal_size: 0, ..Config::default() }).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = partnerd_server::build_app(state);
        tokio::spawn(partnerd_server::serve(listener, app, async move {
            let _ = stopped.await;
        }));
        let token = partnerd_server::mint_dev_token(&demo, Duration::from_secs(3600));
        Ok(Local { url, token, stop: Some(stop) })
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
