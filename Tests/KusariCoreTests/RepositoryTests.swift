import Foundation
import Testing

/// The repository stands alone: no test, script or build file reads anything
/// outside the clone (the published vectors are in Tests/Fixtures).
@Suite struct RepositoryTests {
    @Test func nothingReadsOutsideTheClone() throws {
        let root = TestPaths.packageRoot
        var files = ["Package.swift"]
        for folder in ["Tests", "scripts", "Sources", ".ci"] {
            let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
            while let item = enumerator?.nextObject() as? String {
                if item.hasPrefix("Fixtures/") || item.hasSuffix(".md") || item == "RepositoryTests.swift"
                    || item.hasSuffix("/RepositoryTests.swift") { continue }
                files.append(folder + "/" + item)
            }
        }
        var offenders: [String] = []
        for file in files {
            let url = root.appendingPathComponent(file)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            if text.contains("../shared") || text.contains("shared/data") { offenders.append(file) }
        }
        #expect(files.count > 50)
        #expect(offenders.isEmpty, "these read outside the repository: \(offenders)")
    }

    @Test func everyFixtureNamesItsSource() throws {
        let readme = try String(contentsOf: TestPaths.fixtures.appendingPathComponent("README.md"), encoding: .utf8)
        let enumerator = FileManager.default.enumerator(atPath: TestPaths.fixtures.path)
        var count = 0
        while let item = enumerator?.nextObject() as? String {
            guard item.contains("/") else { continue }  // files inside the topic folders
            count += 1
            let name = String(item.split(separator: "/").last ?? "")
            let stem = name.split(separator: ".").first.map(String.init) ?? name
            #expect(readme.contains(stem), "Tests/Fixtures/README.md does not list \(item)")
        }
        #expect(count >= 9)
    }
}
