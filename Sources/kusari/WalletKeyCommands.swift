import ArgumentParser
import Foundation
import KusariCore
import KusariWallet
import KusariJSON

/// A BIP-39 language as an option value.
struct LanguageOption: ExpressibleByArgument, CustomStringConvertible {
    var description: String { value.rawValue }
    let value: MnemonicLanguage
    static let english = LanguageOption(value: .english)
    init(value: MnemonicLanguage) { self.value = value }
    init?(argument: String) {
        guard let l = MnemonicLanguage(rawValue: argument.lowercased()) else { return nil }
        value = l
    }
    static var allValueStrings: [String] { MnemonicLanguage.allCases.map(\.rawValue) }
}

/// Creating the wallet directory (0700) and a keystore in it.
extension WalletOptions {
    func createKeystore(mnemonic: Mnemonic, passphrase: String) throws -> (URL, Keystore) {
        let url = try file()
        if FileManager.default.fileExists(atPath: url.path) {
            throw CLIError("name: a wallet '\(name)' already exists in \(directory); choose another --name")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError("wallet-dir: cannot create \(directory): \(error.localizedDescription)")
        }
        let password = try Password.read(file: passwordFile, prompt: "New password for wallet '\(name)': ", confirm: true)
        do {
            let store = try Keystore.create(at: url, mnemonic: mnemonic, passphrase: passphrase, password: password, name: name,
                                            network: network?.value ?? .devnet)
            return (url, store)
        } catch {
            throw CLIError("\(url.path): \(error)")
        }
    }

    /// Reads a BIP-39 passphrase file (its first line; none: no passphrase).
    static func passphrase(_ file: String?) throws -> String {
        guard let file else { return "" }
        return try Files.firstLine(file)
    }

    /// The address, public key and path of one index.
    func describe(_ key: KeyPair, account: UInt32, index: UInt32, network: Network) -> JSON {
        let path = (try? WalletPath.kusari(account: account, index: index).description) ?? ""
        return .object([("address", .string(key.address(on: network).string)), ("publicKey", .string(key.publicKey.hex)),
                        ("path", .string(path))])
    }

    /// Prints `json` with --json, else `text`.
    func emit(_ json: JSON, text: String) {
        if self.json { Output.print(json) } else { print(text) }
    }
}

/// `kusari wallet create`.
struct WalletCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Make a new wallet from a new recovery phrase, and show the phrase once.")
    @OptionGroup var wallet: WalletOptions
    @Option(help: "Words in the phrase: 12, 15, 18, 21 or 24.") var words = 24
    @Option(help: "Word list: english or japanese.") var language = LanguageOption.english
    @Option(help: "A file whose first line is a BIP-39 passphrase (an extra word; without it no wallet restores).")
    var passphraseFile: String?

    func run() async throws {
        guard Mnemonic.allowedWordCounts.contains(words) else {
            throw CLIError("words: \(words) is not one of 12, 15, 18, 21, 24")
        }
        let mnemonic = try Mnemonic(wordCount: words, language: language.value)
        let passphrase = try WalletOptions.passphrase(passphraseFile)
        let (url, store) = try wallet.createKeystore(mnemonic: mnemonic, passphrase: passphrase)
        let network = wallet.network(of: store.header)
        let first = try mnemonic.firstKey(passphrase: passphrase)
        Output.errorLine("""
            WARNING: these \(words) words are the only way to restore this wallet. Write them down, in order, \
            and keep them offline; anyone who has them can spend its funds. They are not shown again.
            """)
        wallet.emit(.object([
            ("name", .string(wallet.name)), ("file", .string(url.path)), ("language", .string(mnemonic.language.rawValue)),
            ("words", .uint(UInt64(words))), ("mnemonic", .string(mnemonic.phrase)),
            ("firstAddress", .string(first.address(on: network).string)),
        ]), text: """
            Wallet '\(wallet.name)' created: \(url.path)

            Recovery phrase (\(words) words):
            \(mnemonic.phrase)

            First address: \(first.address(on: network).string)
            """)
    }
}

extension Mnemonic {
    /// The key at m/44'/9999'/0'/0'/0', straight from the phrase (no scrypt run to reopen the keystore).
    func firstKey(passphrase: String) throws -> KeyPair {
        try HDKey(seed: try seed(passphrase: passphrase)).derive(try WalletPath.kusari(account: 0, index: 0)).keyPair()
    }
}

/// `kusari wallet import`.
struct WalletImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Make a wallet from an existing recovery phrase.")
    @OptionGroup var wallet: WalletOptions
    @Option(help: "A file holding the recovery phrase (- for stdin).") var mnemonicFile: String
    @Option(help: "A file whose first line is the BIP-39 passphrase, if the phrase had one.") var passphraseFile: String?
    @Option(help: "Word list (default: recognised from the words).") var language: LanguageOption?

    func run() async throws {
        let text = String(decoding: try Files.read(mnemonicFile, limit: 1 << 16), as: UTF8.self)
        let mnemonic: Mnemonic
        do { mnemonic = try Mnemonic(phrase: text, language: language?.value) } catch {
            throw CLIError("mnemonic-file: \(error)")
        }
        let passphrase = try WalletOptions.passphrase(passphraseFile)
        let (url, store) = try wallet.createKeystore(mnemonic: mnemonic, passphrase: passphrase)
        let first = try mnemonic.firstKey(passphrase: passphrase)
        let address = first.address(on: wallet.network(of: store.header)).string
        wallet.emit(.object([("name", .string(wallet.name)), ("file", .string(url.path)),
                             ("language", .string(mnemonic.language.rawValue)), ("words", .uint(UInt64(mnemonic.wordCount))),
                             ("firstAddress", .string(address))]),
                    text: "Wallet '\(wallet.name)' imported: \(url.path)\nFirst address: \(address)")
    }
}

/// `kusari wallet list`.
struct WalletList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The wallets in the wallet directory.")
    @OptionGroup var wallet: WalletOptions

    func run() async throws {
        let dir = wallet.directory
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        var rows: [JSON] = []
        var lines: [String] = []
        for file in names {
            let path = dir + "/" + file
            let name = String(file.dropLast(5))
            do {
                let h = try Keystore.read(from: URL(fileURLWithPath: path)).header
                rows.append(.object([("name", .string(h.name)), ("file", .string(path)), ("language", .string(h.language.rawValue)),
                                     ("network", h.network.map { .string($0.rawValue) } ?? .null), ("created", .string(h.created))]))
                lines.append("\(h.name)  \(h.network?.rawValue ?? "-")  \(h.language.rawValue)  created \(h.created)")
            } catch {
                rows.append(.object([("name", .string(name)), ("file", .string(path)), ("error", .string("\(error)"))]))
                lines.append("\(name)  unreadable: \(error)")
            }
        }
        wallet.emit(.object([("directory", .string(dir)), ("wallets", .array(rows))]),
                    text: lines.isEmpty ? "No wallets in \(dir)." : lines.joined(separator: "\n"))
    }
}

/// `kusari wallet address`.
struct WalletAddress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address",
        abstract: "An address of the wallet: the one at --index, or else the first unused one (asks the node at --api).")
    @OptionGroup var wallet: WalletOptions
    @Option(help: "Address index (hardened).") var index: UInt32?
    @Option(help: "Account (hardened).") var account: UInt32 = 0
    @Option(help: "The node's API (HOST:PORT or a URL), to find the next unused address.") var api = "127.0.0.1:8645"

    func run() async throws {
        let unlocked = try wallet.unlock()
        let network = wallet.network(of: unlocked.header)
        let chosen: UInt32
        if let index {
            chosen = index
        } else {
            let node = try await WalletNode.connect(api: api, network: network)
            chosen = try await node.discover(unlocked, account: account, pool: try await node.mempool()).nextUnused
        }
        let key: KeyPair
        do { key = try unlocked.keyPair(account: account, index: chosen) } catch { throw CLIError("path: \(error)") }
        let out = wallet.describe(key, account: account, index: chosen, network: network)
        wallet.emit(out, text: key.address(on: network).string)
    }
}

/// `kusari wallet export-key`.
struct WalletExportKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-key",
        abstract: "Write one address's private key to a key file (plain text!), for `kusari tx sign`.")
    @OptionGroup var wallet: WalletOptions
    @Option(help: "Address index (hardened).") var index: UInt32
    @Option(help: "Account (hardened).") var account: UInt32 = 0
    @Option(help: "The key file to write (must not exist).") var out: String

    func run() async throws {
        let unlocked = try wallet.unlock()
        let network = wallet.network(of: unlocked.header)
        let key: KeyPair
        do { key = try unlocked.keyPair(account: account, index: index) } catch { throw CLIError("path: \(error)") }
        Output.errorLine("""
            WARNING: \(out) holds this address's private key unencrypted. Anyone who reads it can spend the \
            address's funds; delete it when done.
            """)
        try Files.createNew(out, data: try KeyFile(key: key, network: network).jsonData())
        let described = wallet.describe(key, account: account, index: index, network: network)
        guard case .object(let fields) = described else { return }
        wallet.emit(.object(fields + [("file", .string(out))]), text: "Key of \(key.address(on: network).string) written to \(out)")
    }
}
