/// Kusari's account paths: `m/44'/9999'/account'/0'/index'`, every level
/// hardened (SLIP-0010 ed25519 has only hardened children).
public enum WalletPath {
    /// BIP-44's purpose field.
    public static let purpose: UInt32 = 44
    /// Kusari's coin type.
    public static let coinType: UInt32 = 9999

    /// The path of key `index` of `account`: `m/44'/9999'/account'/0'/index'`.
    /// - Throws: `DerivationPathError.indexOutOfRange` naming `account` or `index`
    ///   when it is 2^31 or more.
    public static func kusari(account: UInt32, index: UInt32) throws(DerivationPathError) -> DerivationPath {
        guard account < DerivationPath.hardenedOffset else { throw .indexOutOfRange(field: "account", value: account) }
        guard index < DerivationPath.hardenedOffset else { throw .indexOutOfRange(field: "index", value: index) }
        let h = DerivationPath.hardenedOffset
        return try DerivationPath(indices: [purpose + h, coinType + h, account + h, 0 + h, index + h])
    }
}
