import AWSAdapters
import Foundation
import OrderlyApp
import OrderlyServices
import Testing

/// `deploy/aws/template.yaml` is made from the code (`make template`); these keep the committed file and the code
/// from drifting apart. `cfn-lint` checks the file itself in CI.
@Suite("Deployment template")
struct DeployTemplateTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("the committed template is what the code makes (make template rewrites it)")
    func current() throws {
        let committed = try String(
            contentsOf: Self.root.appendingPathComponent("deploy/aws/template.yaml"), encoding: .utf8)
        #expect(committed == SAMTemplate.text, "run `make template` and commit deploy/aws/template.yaml")
    }

    @Test("it declares every table, task function, consumer and workflow, and the files it points at exist")
    func complete() throws {
        let text = SAMTemplate.text
        for table in DynamoStore.tableNames(prefix: "${Prefix}") {
            #expect(text.contains("Fn::Sub: \"\(table)\""), "table \(table)")
        }
        for task in WorkflowDefinitions.functions {
            #expect(text.contains("Handler: task.\(task)\n"), "task \(task)")
        }
        for (consumer, _) in EventRoutes.all {
            #expect(text.contains("Handler: consumer.\(consumer)\n"), "consumer \(consumer)")
        }
        for (name, _) in WorkflowDefinitions.all {
            #expect(text.contains("DefinitionUri: \"../../Workflows/\(name).asl.json\""))
            let file = Self.root.appendingPathComponent("Workflows/\(name).asl.json")
            #expect(FileManager.default.fileExists(atPath: file.path))
        }
        for handler in ["api", "outbox", "scheduler"] { #expect(text.contains("Handler: \(handler)\n")) }
        // Every function's handler is one `orderly lambda` knows.
        let handlers = text.components(separatedBy: "Handler: ").dropFirst().map { String($0.prefix { $0 != "\n" }) }
        #expect(handlers.count == 3 + WorkflowDefinitions.functions.count + EventRoutes.all.count)
        for handler in handlers {
            #expect(throws: Never.self) { try LambdaFunctions.Handler(handler) }
        }
    }
}
