import Foundation
import KusariDevnet
import Testing

@Suite struct ControlRequestTests {
    @Test func parsesTheVerbs() throws {
        #expect(try ControlRequest(verb: "kill", arguments: ["2"]) == .kill(2))
        #expect(try ControlRequest(verb: "pause", arguments: ["1"]) == .pause(1))
        #expect(try ControlRequest(verb: "resume", arguments: ["3"]) == .resume(3))
        #expect(try ControlRequest(verb: "heal", arguments: []) == .heal)
        #expect(try ControlRequest(verb: "status", arguments: []) == .status)
        #expect(try ControlRequest(verb: "partition", arguments: ["1,2", "3,4"]) == .partition([[1, 2], [3, 4]]))
        #expect(try ControlRequest(verb: "partition", arguments: ["3"]) == .partition([[3]]))
        #expect(try ControlRequest(verb: "delay", arguments: ["1-3", "200ms"]) == .delay(1, 3, milliseconds: 200))
        #expect(try ControlRequest(verb: "delay", arguments: ["2-1", "1.5s"]) == .delay(2, 1, milliseconds: 1500))
        #expect(try ControlRequest(verb: "delay", arguments: ["2-1", "0"]) == .delay(2, 1, milliseconds: 0))
    }

    @Test func refusesBadInputWithTheField() {
        let cases: [(String, [String], String)] = [
            ("kill", [], "node: expected one node number, got 0 arguments"),
            ("kill", ["0"], "node: '0' is not a node number (1, 2, ...)"),
            ("kill", ["x"], "node: 'x' is not a node number (1, 2, ...)"),
            ("pause", ["1", "2"], "node: expected one node number, got 2 arguments"),
            ("partition", [], "partition: expected groups of nodes such as '1,2 3,4'"),
            ("partition", ["1,2", "2,3"], "partition: node 2 is in two groups"),
            ("partition", ["1,,2"], "partition: '' is not a node number (1, 2, ...)"),
            ("delay", ["1-3"], "delay: expected a link and a latency such as '1-3 200ms'"),
            ("delay", ["1-1", "10ms"], "delay: a link joins two different nodes, got 1-1"),
            ("delay", ["13", "10ms"], "delay: '13' is not a link such as 1-3"),
            ("delay", ["1-3", "200"], "latency: '200' needs a unit: ms or s (such as 200ms)"),
            ("delay", ["1-3", "-5ms"], "latency: '-5ms' is not a latency from 0 to 60s"),
            ("delay", ["1-3", "2m"], "latency: '2m' needs a unit: ms or s (such as 200ms)"),
            ("delay", ["1-3", "xms"], "latency: 'xms' is not a latency from 0 to 60s"),
            ("delay", ["1-3", "90s"], "latency: '90s' is not a latency from 0 to 60s"),
            ("heal", ["now"], "heal: takes no arguments, got 'now'"),
            ("explode", [], "command: 'explode' is not one of kill, pause, resume, partition, heal, delay, status"),
        ]
        for (verb, args, message) in cases {
            #expect(throws: DevnetError.self) { try ControlRequest(verb: verb, arguments: args) }
            do {
                _ = try ControlRequest(verb: verb, arguments: args)
            } catch {
                #expect(error.description == message, "\(verb) \(args)")
            }
        }
    }

    @Test func checksNodeNumbersAgainstTheDevnet() throws {
        try ControlRequest.kill(3).validate(nodes: 3)
        #expect(throws: DevnetError("node", "node 4 does not exist; this devnet has nodes 1 to 3")) {
            try ControlRequest.kill(4).validate(nodes: 3)
        }
        #expect(throws: DevnetError("partition", "node 5 does not exist; this devnet has nodes 1 to 4")) {
            try ControlRequest.partition([[1], [5]]).validate(nodes: 4)
        }
        #expect(throws: DevnetError("partition", "one group holding every node cuts nothing; name two groups")) {
            try ControlRequest.partition([[1, 2, 3]]).validate(nodes: 3)
        }
        try ControlRequest.partition([[3]]).validate(nodes: 3)
    }

    @Test func roundTripsThroughJSON() throws {
        let requests: [ControlRequest] = [.kill(1), .pause(2), .resume(2), .partition([[1, 2], [3]]), .heal,
                                          .delay(1, 3, milliseconds: 200), .status]
        for r in requests {
            // Through bytes, as the control endpoint reads them.
            let object = try JSONSerialization.jsonObject(with: try JSONSerialization.data(withJSONObject: r.json))
            #expect(try ControlRequest(json: object) == r)
        }
        let boolean = try JSONSerialization.jsonObject(with: Data(#"{"command":"kill","node":true}"#.utf8))
        #expect(throws: DevnetError("node", "missing or not a whole number")) { try ControlRequest(json: boolean) }
    }

    @Test func refusesBadJSONRequests() {
        let cases: [([String: Any], String)] = [
            ([:], "command: missing or not a string"),
            (["command": "kill"], "node: missing or not a whole number"),
            (["command": "kill", "node": true], "node: missing or not a whole number"),
            (["command": "kill", "node": -1], "node: -1 is not a node number"),
            (["command": "partition", "groups": "1,2"], "groups: missing or not an array"),
            (["command": "partition", "groups": [[1], [1]]], "partition: node 1 is in two groups"),
            (["command": "delay", "link": [1], "milliseconds": 5], "link: expected two node numbers"),
            (["command": "delay", "link": [1, 2], "milliseconds": 70_000], "milliseconds: 70000 is not from 0 to 60000"),
            (["command": "format-disk"], "command: 'format-disk' is not one of kill, pause, resume, partition, heal, delay, status"),
        ]
        for (object, message) in cases {
            do {
                _ = try ControlRequest(json: object)
                Issue.record("accepted \(object)")
            } catch {
                #expect(error.description == message)
            }
        }
        #expect(throws: DevnetError("request", "not a JSON object")) { try ControlRequest(json: [1, 2]) }
    }
}
