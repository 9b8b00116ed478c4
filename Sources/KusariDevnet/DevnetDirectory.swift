import Foundation
import KusariCore
#if canImport(Glibc)
import Glibc
#endif

/// The devnet's directory on disk:
///
///     DIR/devnet.json    what kind of directory this is (so --reset never empties another folder)
///     DIR/genesis.json   the devnet genesis (demo accounts and the faucet)
///     DIR/control.json   the running devnet's control port and pid (removed when it stops)
///     DIR/nodeN/data     node N's data directory (chain, mempool, the node's own log)
///     DIR/nodeN/output.log  node N's stdout and stderr
struct DevnetDirectory {
    let path: String

    /// Makes `path` absolute, checks no devnet runs there, resets it if asked, and writes the genesis.
    static func prepare(_ directory: String, reset: Bool, genesis: Genesis) throws(DevnetError) -> DevnetDirectory {
        let path = URL(fileURLWithPath: directory).standardizedFileURL.path
        let dir = DevnetDirectory(path: path)
        let fm = FileManager.default
        if let (_, pid) = try? ControlClient.endpoint(directory: path), pid != getpid(), kill(pid, 0) == 0 {
            throw DevnetError("dir", "a devnet is already running in \(path) (pid \(pid)); stop it first")
        }
        if reset, fm.fileExists(atPath: path) {
            let entries = (try? fm.contentsOfDirectory(atPath: path)) ?? []
            guard entries.isEmpty || entries.contains("devnet.json") else {
                throw DevnetError("dir", "\(path) is not a devnet directory (no devnet.json); --reset only empties a devnet's directory")
            }
            for entry in entries {
                do { try fm.removeItem(atPath: path + "/" + entry) } catch {
                    throw DevnetError("dir", "cannot remove \(path)/\(entry): \(error.localizedDescription)")
                }
            }
        }
        do {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            let marker = #"{"kind":"kusari-devnet","version":1}"# + "\n"
            try Data(marker.utf8).write(to: URL(fileURLWithPath: path + "/devnet.json"))
        } catch {
            throw DevnetError("dir", "cannot write \(path): \(error.localizedDescription)")
        }
        let data: Data
        do { data = try genesis.jsonData() } catch { throw DevnetError("genesis", "\(error)") }
        if let existing = fm.contents(atPath: dir.genesisPath), existing != data {
            throw DevnetError("dir", "\(dir.genesisPath) holds another genesis; start over with --reset")
        }
        do { try data.write(to: URL(fileURLWithPath: dir.genesisPath)) } catch {
            throw DevnetError("dir", "cannot write \(dir.genesisPath): \(error.localizedDescription)")
        }
        return dir
    }

    var genesisPath: String { path + "/genesis.json" }

    /// Writes a key file (mode 0600), replacing one that is there.
    func writeKey(_ key: KeyPair, to file: String) throws(DevnetError) {
        do {
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            let data = try KeyFile(key: key, network: .devnet).jsonData()
            guard FileManager.default.createFile(atPath: file, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw DevnetError("dir", "cannot write \(file)")
            }
        } catch let e as DevnetError {
            throw e
        } catch {
            throw DevnetError("dir", "cannot write \(file): \(error.localizedDescription)")
        }
    }
    var controlPath: String { path + "/control.json" }
    func nodeDirectory(_ n: Int) -> String { path + "/node\(n)" }

    /// Whether node `n` has a chain already (a resumed devnet).
    func hasChain(_ n: Int) -> Bool { FileManager.default.fileExists(atPath: nodeDirectory(n) + "/data") }

    func writeControl(port: Int) throws(DevnetError) {
        let text = #"{"port":\#(port),"pid":\#(getpid())}"# + "\n"
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: controlPath)) } catch {
            throw DevnetError("dir", "cannot write \(controlPath): \(error.localizedDescription)")
        }
    }

    func removeControl() { try? FileManager.default.removeItem(atPath: controlPath) }
}
