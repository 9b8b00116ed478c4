import Foundation
import KusariContracts
import KusariCore
import Testing

/// The builder on contracts written for the occasion, and its errors.
@Suite struct ContractBuilderTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kusari-builder-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A Swift contract that misbehaves in the ways Swift code can: it allocates more memory
    /// than the chain allows, recurses without end, and overflows an integer.
    static let hostileSource = #"""
        #if canImport(KusariContractSDK)
        import KusariContractSDK
        #endif

        @_expose(wasm, "hog") @_cdecl("hostile_hog")
        public func hog() {
            contractMethod { _, result throws(Revert) in
                let big = [UInt8](repeating: 1, count: 2 * 1024 * 1024)
                result.write(UInt64(big.count))
            }
        }

        // A host call after the recursive call keeps the optimiser from making it a loop.
        func depth(_ n: UInt64) -> UInt64 {
            if n == 0 { return 0 }
            return depth(n - 1) &+ Context.blockHeight
        }

        @_expose(wasm, "recurse") @_cdecl("hostile_recurse")
        public func recurse() {
            contractMethod { args, result throws(Revert) in
                let n: UInt64 = try args.read()
                result.write(depth(n))
            }
        }

        @_expose(wasm, "overflow") @_cdecl("hostile_overflow")
        public func overflow() {
            contractMethod { args, result throws(Revert) in
                let n: UInt64 = try args.read()
                result.write(n + 1)
            }
        }
        """#

    @Test func swiftCodeThatMisbehavesTrapsCleanly() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.hostileSource.write(to: dir.appendingPathComponent("Hostile.swift"), atomically: true, encoding: .utf8)
        let built = try await offPool { try ContractBuilder(sdkDirectory: Examples.sdk).build(contractDirectory: dir) }
        #expect(built.code.methods == ["hog", "overflow", "recurse"])
        let deployed = Deployed(code: built.code)
        #expect(deployed.call("hog", from: alice).error == .trapped(.unreachable))
        #expect(try deployed.values(deployed.call("recurse", from: alice, [.u64(100)])) == [.u64(100 * block.height)])
        let recursion = deployed.call("recurse", from: alice, [.u64(10_000_000)], gas: 1_000_000_000).error
        print("Swift recursion without end: \(String(describing: recursion))")
        #expect(recursion == .trapped(.memoryOutOfBounds) || recursion == .trapped(.callStackExhausted), "\(String(describing: recursion))")
        #expect(try deployed.values(deployed.call("overflow", from: alice, [.u64(41)])) == [.u64(42)])
        #expect(deployed.call("overflow", from: alice, [.u64(UInt64.max)]).error == .trapped(.unreachable))
    }

    @Test func aDirectoryWithoutSourcesIsAClearError() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        await #expect(throws: ContractBuildError.self) {
            try await offPool { try ContractBuilder(sdkDirectory: Examples.sdk).build(contractDirectory: dir) }
        }
    }

    @Test func aCompileErrorIsReportedWithTheCompilersWords() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "let x: Int = \"no\"\n".write(to: dir.appendingPathComponent("Bad.swift"), atomically: true, encoding: .utf8)
        do {
            _ = try await offPool { try ContractBuilder(sdkDirectory: Examples.sdk).build(contractDirectory: dir) }
            Issue.record("a broken contract built")
        } catch {
            guard case .compileFailed(let output)? = error as? ContractBuildError else { Issue.record("wrong error \(error)"); return }
            #expect(output.contains("Bad.swift"))
        }
    }

    @Test func aToolchainWithoutEmbeddedSwiftIsNamed() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bin = dir.appendingPathComponent("usr/bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = bin.appendingPathComponent("swiftc")
        try "#!/bin/sh\nexit 1\n".write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        do {
            _ = try ContractBuilder.findToolchain(environment: ["KUSARI_SWIFTC": fake.path, "PATH": bin.path])
            Issue.record("a toolchain without Embedded Swift was accepted")
        } catch {
            guard case .noEmbeddedSupport(let message) = error else { Issue.record("wrong error \(error)"); return }
            #expect(message.contains("wasm32"))
        }
        #expect(throws: ContractBuildError.self) { try ContractBuilder.findToolchain(environment: ["PATH": dir.path]) }
    }
}
