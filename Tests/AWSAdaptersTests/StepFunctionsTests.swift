import AWSAdapters
import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage
import Testing

/// Step Functions in `moto_server`, at `ORDERLY_TEST_AWS_ENDPOINT` (`.ci/run` starts it).
///
/// moto runs executions only when configured to, and then starts one execution per region at most (a later
/// `StartExecution` in that region fails inside moto); so starting by name and listing are checked with execution
/// off, and the run itself in a region of its own.
/// moto's switch that runs executions is one for the whole server: the suites that start executions take turns.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["ORDERLY_TEST_AWS_ENDPOINT"] != nil))
struct MotoStepFunctions {}

extension MotoStepFunctions {
    @Suite("Step Functions in moto")
    struct StepFunctionsTests {
        static let definition = #"""
            {"StartAt":"Validate","States":{"Validate":{"Type":"Pass","Result":{"ok":true},"ResultPath":"$.validation",
             "Next":"Done"},"Done":{"Type":"Succeed"}}}
            """#

        func client(region: String) throws -> AWSClient {
            let endpoint = try #require(
                ProcessInfo.processInfo.environment["ORDERLY_TEST_AWS_ENDPOINT"].flatMap { URL(string: $0) })
            return AWSClient(
                configuration: AWSConfiguration(
                    region: region, credentials: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                    endpoint: endpoint))
        }

        func runtime(_ client: AWSClient, executing: Bool) async throws -> (StepFunctionsRuntime, String) {
            _ = try await client.send(
                .stepFunctions, path: "/moto-api/config", headers: [("Content-Type", "application/json")],
                body: Data(#"{"stepfunctions":{"execute_state_machine":\#(executing)}}"#.utf8))
            let name = "orderly-test-\(UUID().uuidString.prefix(8).lowercased())-checkout"
            let created = try await client.json(
                .stepFunctions, target: "AWSStepFunctions.CreateStateMachine",
                payload: [
                    "name": .string(name), "definition": .string(Self.definition),
                    "roleArn": "arn:aws:iam::123456789012:role/orderly-test",
                ])
            let machine = try #require(created["stateMachineArn"]?.stringValue)
            return (StepFunctionsRuntime(client: client, stateMachines: [.checkout: machine]), machine)
        }

        @Test("an execution is started once by name, listed, described, and waited for until it ends")
        func runtime() async throws {
            // Starting by name: twice is once; another name is another execution; both are listed.
            let (starting, machine) = try await runtime(try client(region: "us-east-1"), executing: false)
            let first = try await starting.start(.checkout, name: "ord_1", input: ["orderId": "ord_1"])
            #expect(try await starting.start(.checkout, name: "ord_1", input: ["orderId": "ord_1"]) == first)
            #expect(first.hasSuffix(":execution:\(machine.split(separator: ":").last!):ord_1"))
            let second = try await starting.start(.checkout, name: "ord_2", input: ["orderId": "ord_2"])
            let listed = try await starting.executions(of: .checkout, status: nil, page: PageRequest(limit: 10))
            #expect(Set(listed.items.map(\.id)) == [first, second])
            #expect(try JSON(parsing: try #require(listed.items.first { $0.id == first }).input)["orderId"] == "ord_1")
            #expect(try await starting.executions(of: .cancelOrder, status: nil, page: PageRequest()).items.isEmpty)
            // StopExecution: the execution is ABORTED; an unknown one is not found.
            try await starting.stop(executionID: second, error: "Operator", cause: "not needed")
            #expect(try await starting.describe(executionID: second)?.status == .aborted)
            await #expect(throws: OrderlyError.self) {
                try await starting.stop(executionID: second + "-missing", error: nil, cause: nil)
            }
            #expect(
                try await starting.describe(
                    executionID: machine.replacingOccurrences(of: ":stateMachine:", with: ":execution:") + ":nope")
                    == nil)

            // Running: it ends, and reads back as the port describes executions, history included.
            let regions = [
                "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-southeast-1", "ap-southeast-2",
                "ap-northeast-1", "ap-northeast-2", "ca-central-1", "sa-east-1", "us-west-1",
            ]
            // The first region where moto has not run an execution yet (a moto server kept across runs has some).
            var found: (StepFunctionsRuntime, String)?
            for region in regions {
                let (candidate, _) = try await runtime(try client(region: region), executing: true)
                if let run = try? await candidate.start(.checkout, name: "ord_3", input: ["orderId": "ord_3"]) {
                    found = (candidate, run)
                    break
                }
            }
            let (running, run) = try #require(found, "moto ran executions in every region; restart it")
            #expect(await running.waitForEnd(executionID: run, timeout: .seconds(20)))
            let execution = try #require(try await running.describe(executionID: run))
            #expect(execution.status == .succeeded && execution.name == "ord_3")
            #expect(try JSON(parsing: try #require(execution.output))["validation"]?["ok"] == true)
            #expect(execution.history.first?.type == "ExecutionStarted")
            #expect(execution.history.contains { $0.type == "ExecutionSucceeded" })
            _ = try await runtime(try client(region: "us-east-1"), executing: false)  // as the other suites expect it
        }
    }
}
