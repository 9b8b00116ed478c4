/// The limits a contract module must keep, checked at deploy (``ContractCode/init(bytes:limits:)``)
/// and enforced at run time (``ContractRuntime``). docs/protocol.md section 18.4 publishes the
/// defaults; changing one is a consensus change.
public struct ContractLimits: Sendable, Equatable {
    /// The largest module in bytes.
    public var maxCodeSize: Int
    /// The largest maximum a module's memory may declare, in 64 KiB pages.
    public var maxMemoryPages: UInt64
    /// The most functions (imported and defined).
    public var maxFunctions: Int
    /// The most globals.
    public var maxGlobals: Int
    /// The most entries a module's table may have (its declared maximum, or minimum when it
    /// declares none; a table without a maximum cannot grow past this either, see 18.4).
    public var maxTableSize: UInt64
    /// The most locals (parameters included) of one function.
    public var maxLocals: Int
    /// The most exported methods.
    public var maxMethods: Int
    /// The longest method name in bytes.
    public var maxMethodNameLength: Int
    /// The interpreter stack of one call in bytes: frames of deep recursion beyond it trap.
    public var stackSize: Int
    /// The longest storage key in bytes.
    public var maxKeyLength: Int
    /// The longest storage value in bytes.
    public var maxValueLength: Int
    /// The longest event topic in bytes.
    public var maxTopicLength: Int
    /// The most events of one call.
    public var maxEvents: Int
    /// The longest call input and return data in bytes.
    public var maxDataLength: Int
    /// The most messages one call may queue.
    public var maxMessages: Int

    /// The limits in force (docs/protocol.md 18.4).
    public static let standard = ContractLimits(
        maxCodeSize: 128 * 1024, maxMemoryPages: 16, maxFunctions: 4096, maxGlobals: 64,
        maxTableSize: 1024, maxLocals: 1024, maxMethods: 64, maxMethodNameLength: 64,
        stackSize: 256 * 1024, maxKeyLength: 128, maxValueLength: 16 * 1024, maxTopicLength: 64,
        maxEvents: 64, maxDataLength: 64 * 1024, maxMessages: 16)

    /// Limits with every value given.
    public init(maxCodeSize: Int, maxMemoryPages: UInt64, maxFunctions: Int, maxGlobals: Int,
                maxTableSize: UInt64, maxLocals: Int, maxMethods: Int, maxMethodNameLength: Int,
                stackSize: Int, maxKeyLength: Int, maxValueLength: Int, maxTopicLength: Int,
                maxEvents: Int, maxDataLength: Int, maxMessages: Int) {
        self.maxCodeSize = maxCodeSize
        self.maxMemoryPages = maxMemoryPages
        self.maxFunctions = maxFunctions
        self.maxGlobals = maxGlobals
        self.maxTableSize = maxTableSize
        self.maxLocals = maxLocals
        self.maxMethods = maxMethods
        self.maxMethodNameLength = maxMethodNameLength
        self.stackSize = stackSize
        self.maxKeyLength = maxKeyLength
        self.maxValueLength = maxValueLength
        self.maxTopicLength = maxTopicLength
        self.maxEvents = maxEvents
        self.maxDataLength = maxDataLength
        self.maxMessages = maxMessages
    }
}
