import Testing
import KusariNode

/// Event subscriptions are capped, and a closed stream frees its place.
@Suite struct NodeEventsTests {
    @Test func subscriptionsStopAtTheLimitAndFreeTheirPlace() async {
        let events = NodeEvents()
        var first = events.subscribe(limit: 2)
        let second = events.subscribe(limit: 2)
        #expect(first != nil && second != nil)
        #expect(events.subscribe(limit: 2) == nil)
        #expect(events.subscriberCount == 2)
        first = nil
        #expect(events.subscriberCount == 1)
        #expect(events.subscribe(limit: 2) != nil)
        // Events reach the streams that are open.
        events.publish(.heartbeat)
        var iterator = second?.makeAsyncIterator()
        #expect(await iterator?.next() == .heartbeat)
    }
}
