/// Random bytes for entropy, salts and nonces.
enum SecureRandom {
    /// `count` bytes from `generator` (the system's secure generator in production).
    static func bytes<G: RandomNumberGenerator>(_ count: Int, using generator: inout G) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count + 8)
        while out.count < count {
            withUnsafeBytes(of: generator.next()) { out += $0 }
        }
        return Array(out.prefix(count))
    }

    /// `count` bytes from the system's secure random generator.
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return bytes(count, using: &generator)
    }
}
