use crate::both_backends;
use crate::helpers::spawn_app;

both_backends! {
    async fn openapi_document_describes_the_api_and_health(backend) {
        let app = spawn_app(backend).await;
        let response = app.get("/api/v1/openapi.json").await;
        assert_eq!(response.status(), 200);
        let doc: serde_json::Value = response.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        assert!(doc["paths"]["/health"]["get"]["responses"]["200"].is_object());
        assert!(doc["paths"]["/health"]["get"]["responses"]["503"].is_object());
        assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
        for path in ["/api/v1/objectives", "/api/v1/objectives/{id}", "/api/v1/objectives/{id}/ocds.json", "/api/v1/ocds/objectives.json", "/api/v1/me", "/api/v1/admin/audit",
                     "/api/v1/directory", "/api/v1/directory/{id}", "/api/v1/credentials", "/api/v1/practices", "/api/v1/practices/{id}", "/api/v1/organisation/export",
                     "/api/v1/objectives/{id}/award", "/api/v1/organisation/letters", "/api/v1/organisation/letters/{id}"] {
            assert!(doc["paths"][path]["get"].is_object(), "{path} missing from the OpenAPI document");
        }
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        app.stop().await;
    }
}
