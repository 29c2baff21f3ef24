//! A TCP proxy between partnerd and PostgreSQL that the tests can break: `Down` drops every
//! connection and turns new ones away (PostgreSQL stopped or restarting), `Frozen` keeps
//! connections open but silent (a hung server, or a network that swallows packets), `Up`
//! forwards again. Breaking the shared PostgreSQL server itself would disturb other tests.

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::AbortHandle;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Up,
    Down,
    Frozen,
}

pub struct DbProxy {
    pub addr: std::net::SocketAddr,
    state: watch::Sender<State>,
    accept: AbortHandle,
}

impl DbProxy {
    /// A proxy on 127.0.0.1:0 forwarding to `upstream` (host:port).
    pub async fn start(upstream: String) -> DbProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let (state, _) = watch::channel(State::Up);
        let accept = tokio::spawn(accept_loop(listener, upstream, state.clone())).abort_handle();
        DbProxy { addr, state, accept }
    }

    /// Changes state; connections made before a change to `Down` or `Frozen` never forward again.
    pub fn set(&self, state: State) {
        self.state.send_replace(state);
    }
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.set(State::Down);
    }
}

async fn accept_loop(listener: TcpListener, upstream: String, state: watch::Sender<State>) {
    while let Ok((client, _)) = listener.accept().await {
        let watch = state.subscribe();
        let upstream = upstream.clone();
        tokio::spawn(link(client, upstream, watch));
    }
}

/// One client connection: forwarded while the proxy is up; once it is not, closed (`Down`)
/// or held open in silence until the proxy leaves `Frozen`.
async fn link(mut client: TcpStream, upstream: String, mut state: watch::Receiver<State>) {
    let now = *state.borrow_and_update();
    let mut server = match now {
        State::Up => match TcpStream::connect(&upstream).await {
            Ok(server) => Some(server),
            Err(_) => return,
        },
        State::Down => return,
        State::Frozen => None,
    };
    if let Some(server) = server.as_mut() {
        tokio::select! {
            _ = tokio::io::copy_bidirectional(&mut client, server) => return,
            _ = state.wait_for(|s| *s != State::Up) => {}
        }
    }
    if *state.borrow() == State::Frozen {
        let _ = state.wait_for(|s| *s != State::Frozen).await;
    }
}
