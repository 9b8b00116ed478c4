import Foundation
import Testing
import KusariConformance
import KusariJSON

/// Where the committed suite lives.
enum SuitePaths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let conformance = packageRoot.appendingPathComponent("conformance")

    /// A committed vector file parsed as JSON.
    static func load(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: conformance.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(name) is not a JSON object")
    }
}

/// The committed `conformance/*.json` files are exactly what the code generates.
@Suite struct SuiteRegenerationTests {
    @Test func committedFilesAreWhatTheCodeGenerates() throws {
        for file in try ConformanceSuite.files() {
            let url = SuitePaths.conformance.appendingPathComponent(file.name)
            let committed = try String(contentsOf: url, encoding: .utf8)
            #expect(committed == file.contents,
                    "\(file.name) differs from the generator: run `kusari conformance generate --out conformance/`")
        }
    }

    @Test func generationIsDeterministic() throws {
        let a = try ConformanceSuite.files().map(\.contents)
        let b = try ConformanceSuite.files().map(\.contents)
        #expect(a == b)
    }

    @Test func noStrayVectorFiles() throws {
        let names = Set(try ConformanceSuite.files().map(\.name))
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: SuitePaths.conformance.path)
            .filter { $0.hasSuffix(".json") })
        #expect(present == names)
    }

    @Test func filesStaySmallEnoughToRead() throws {
        for file in try ConformanceSuite.files() {
            #expect(file.contents.utf8.count < 400_000, "\(file.name) is \(file.contents.utf8.count) bytes")
        }
    }
}
