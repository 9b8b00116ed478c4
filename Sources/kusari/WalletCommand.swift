import ArgumentParser
import Foundation
import KusariCore
import KusariWallet
import KusariJSON

/// `kusari wallet`: an HD wallet (BIP-39 phrase, SLIP-0010 keys) in an encrypted keystore.
struct WalletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wallet",
        abstract: "An HD wallet: one recovery phrase, any number of addresses, balances, history and transfers.",
        discussion: """
            Each wallet is one keystore file, DIR/NAME.json: the seed encrypted with AES-256-GCM under a key \
            from scrypt (N = 2^17, r = 8, p = 1). The password comes from --password-file, else the \
            KUSARI_WALLET_PASSWORD environment variable, else a prompt that does not echo. Addresses follow \
            m/44'/9999'/account'/0'/index' (SLIP-0010 ed25519). Text output by default; --json for JSON.
            """,
        subcommands: [
            WalletCreate.self, WalletImport.self, WalletList.self, WalletAddress.self,
            WalletBalance.self, WalletSend.self, WalletHistory.self, WalletExportKey.self, WalletAssets.self, WalletSendAsset.self,
        ])
}

/// Where the wallet lives, how to unlock it, its network and the output form.
struct WalletOptions: ParsableArguments {
    @Option(help: "Directory of the wallet files (default: $KUSARI_WALLET_DIR, else $HOME/.kusari/wallets).") var walletDir: String?
    @Option(help: "The wallet's name: its file is DIR/NAME.json.") var name = "default"
    @Option(help: "A file whose first line is the wallet's password.") var passwordFile: String?
    @Option(help: "Network of the addresses, main, test or devnet (default: the wallet's own, else devnet).")
    var network: NetworkOption?
    @Flag(help: "Print JSON instead of text.") var json = false

    /// The wallet directory, with `~` expanded.
    var directory: String {
        if let walletDir { return (walletDir as NSString).expandingTildeInPath }
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["KUSARI_WALLET_DIR"], !dir.isEmpty { return (dir as NSString).expandingTildeInPath }
        // $HOME first, as every Unix tool does; the account's home only when HOME is unset.
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path
        return URL(fileURLWithPath: home).appendingPathComponent(".kusari/wallets").path
    }

    /// The keystore file of `--name`, after checking the name is a plain file name.
    func file() throws -> URL {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, name.count <= KeystoreHeader.maxNameLength, name.first != ".", name.allSatisfy(allowed.contains) else {
            throw CLIError("name: '\(name)' is not a wallet name (letters, digits, '.', '_' and '-', at most "
                           + "\(KeystoreHeader.maxNameLength), not starting with '.')")
        }
        return URL(fileURLWithPath: directory).appendingPathComponent(name + ".json")
    }

    /// The network for addresses: --network, else the wallet's, else devnet.
    func network(of header: KeystoreHeader?) -> Network { network?.value ?? header?.network ?? .devnet }

    /// Reads the keystore's header (no password needed).
    func keystore() throws -> Keystore {
        let url = try file()
        do { return try Keystore.read(from: url) } catch KeystoreError.fileMissing {
            throw CLIError("name: no wallet '\(name)' in \(directory) (make one with `kusari wallet create`)")
        } catch {
            throw CLIError("\(url.path): \(error)")
        }
    }

    /// Opens the wallet with the password.
    func unlock() throws -> UnlockedWallet {
        let store = try keystore()
        let password = try Password.read(file: passwordFile, prompt: "Password for wallet '\(name)': ")
        do { return try store.unlock(password: password) } catch {
            throw CLIError("\(try file().path): \(error)")
        }
    }
}

/// The terminal's settings while a password prompt has echo off (restored by the SIGINT handler).
nonisolated(unsafe) private var savedTerminal = termios()

/// Reading a password: a file, the environment, or a terminal without echo.
enum Password {
    static let environmentVariable = "KUSARI_WALLET_PASSWORD"

    /// The password from `file` (its first line), else the environment, else a prompt.
    static func read(file: String?, prompt: String, confirm: Bool = false) throws -> String {
        if let file {
            let password = try Files.firstLine(file)
            guard !password.isEmpty else { throw CLIError("password-file: \(file) holds an empty first line") }
            return password
        }
        if let env = ProcessInfo.processInfo.environment[environmentVariable] {
            guard !env.isEmpty else { throw CLIError("\(environmentVariable): is set but empty") }
            return env
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CLIError("password: give --password-file FILE or set \(environmentVariable) (no terminal to ask on)")
        }
        let first = try promptNoEcho(prompt)
        guard !first.isEmpty else { throw CLIError("password: must not be empty") }
        if confirm {
            guard try promptNoEcho("Again, to confirm: ") == first else { throw CLIError("password: the two entries differ") }
        }
        return first
    }

    /// Asks on the terminal with echo off, restoring the terminal afterwards,
    /// also when the user presses Ctrl-C at the prompt.
    private static func promptNoEcho(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw CLIError("password: cannot read the terminal settings") }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        savedTerminal = saved
        let previous = signal(SIGINT) { _ in
            tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal)
            _exit(130)
        }
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0 else {
            signal(SIGINT, previous)
            throw CLIError("password: cannot turn off the terminal's echo; use --password-file or \(environmentVariable)")
        }
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            signal(SIGINT, previous)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}

/// Amounts as the wallet reads and prints them: decimal KSR with up to 8 places.
enum KSR {
    /// Parses `1.5`, `0.00000001` or `1.5ksr`; `field` names the option in the error.
    static func parse(_ text: String, field: String) throws -> UInt64 {
        let plain = text.lowercased().hasSuffix("ksr") ? String(text.dropLast(3)) : text
        guard let v = Amount.parseKSR(plain.trimmingCharacters(in: .whitespaces)) else {
            throw CLIError("\(field): '\(text)' is not an amount of KSR (a decimal with at most 8 places, e.g. 1.5 or 0.00000001)")
        }
        return v
    }

    /// `units` as KSR with 8 places.
    static func format(_ units: UInt64) -> String { Amount.format(units) }

    /// A signed difference as KSR with 8 places, e.g. `-0.50000000`.
    static func format(signed: Int64) -> String {
        signed < 0 ? "-" + Amount.format(signed.magnitude) : Amount.format(UInt64(signed))
    }
}
