use crate::both_backends;
use crate::helpers::{Backend, TestDatabase, spawn_app, spawn_app_on};

both_backends! {
    async fn health_answers_ok_after_a_real_query(backend) {
        let app = spawn_app(backend).await;
        let response = app.get("/health").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: serde_json::Value = response.json().await.unwrap();
        let expected = match backend { Backend::Sqlite => "sqlite", Backend::Postgres => "postgresql" };
        assert_eq!(body, serde_json::json!({"status": "ok", "database": expected}));
        app.stop().await;
    }
}

/// A TCP relay between the app and PostgreSQL that the test can cut and restore, to play a
/// database outage without touching the shared server.
mod outage {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use tokio::io::copy_bidirectional;
    use tokio::net::{TcpListener, TcpStream};

    pub struct Relay {
        pub port: u16,
        up: Arc<AtomicBool>,
        connections: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    }

    impl Relay {
        pub async fn start(target: String) -> Relay {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let up = Arc::new(AtomicBool::new(true));
            let connections = Arc::new(std::sync::Mutex::new(Vec::new()));
            let (up2, conns2) = (up.clone(), connections.clone());
            actix_web::rt::spawn(async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    if !up2.load(Ordering::SeqCst) {
                        drop(inbound);
                        continue;
                    }
                    let target = target.clone();
                    let task = actix_web::rt::spawn(async move {
                        if let Ok(mut outbound) = TcpStream::connect(&target).await {
                            let _ = copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                    conns2.lock().unwrap().push(task);
                }
            });
            Relay { port, up, connections }
        }

        /// Cuts every open connection and refuses new ones.
        pub fn cut(&self) {
            self.up.store(false, Ordering::SeqCst);
            for task in self.connections.lock().unwrap().drain(..) {
                task.abort();
            }
        }

        pub fn restore(&self) {
            self.up.store(true, Ordering::SeqCst);
        }
    }
}

/// PostgreSQL only: an SQLite file cannot become unreachable while the process holds it.
#[actix_web::test]
#[cfg_attr(not(postgres_tests), ignore = "TEST_POSTGRES_URL is not set")]
async fn health_and_pages_answer_503_while_postgresql_is_down_then_recover() {
    let database = TestDatabase::new(Backend::Postgres);
    let mut real = url::Url::parse(&database.url).unwrap();
    let target = format!("{}:{}", real.host_str().unwrap(), real.port().unwrap_or(5432));
    let relay = outage::Relay::start(target).await;
    real.set_host(Some("127.0.0.1")).unwrap();
    real.set_port(Some(relay.port)).unwrap();
    let relayed = real.to_string();
    let app = spawn_app_on(database, &[("DATABASE_URL", relayed.as_str())]).await;
    assert_eq!(app.get("/health").await.status(), 200);

    relay.cut();
    let response = app.get("/health").await;
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["database"], "postgresql");
    // A page that needs the database says so in the user's language.
    let page = app.get_with("/account/set-password?token=1.1.AAAA", &[("Accept-Language", "fr")]).await;
    assert_eq!(page.status(), 503);
    assert!(page.text().await.unwrap().contains("momentanément indisponible"));

    relay.restore();
    let mut recovered = false;
    for _ in 0..20 {
        if app.get("/health").await.status() == 200 {
            recovered = true;
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(recovered, "the service did not recover once the database was back");
    app.stop().await;
}

both_backends! {
    async fn ping_answers_plain_text_without_the_database(backend) {
        let app = crate::helpers::spawn_app(backend).await;
        let r = app.get("/ping").await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
        assert_eq!(r.text().await.unwrap(), "pong");
        app.stop().await;
    }
}
