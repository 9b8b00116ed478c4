/// The API's OpenAPI 3.1 document, served at /openapi.yaml (the file
/// openapi.yaml beside this one, kept in sync by a test).
enum OpenAPIDocument {
    static let yaml = """
    openapi: 3.1.0
    info:
      title: Kusari node API
      version: 0.1.0
    paths: {}
    """
}
