import ArgumentParser
import Foundation
import OrderlyApp
import StatesLanguage
import WorkflowEngine

/// `orderly states`: validate and run Amazon States Language definitions locally.
struct States: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate and run Amazon States Language definitions locally.",
        subcommands: [Validate.self, Run.self])

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a definition; print every problem with its location and exit 1 when there are any.")

        @Argument(help: "The .asl.json file.") var file: String
        @Option(
            help:
                "A definition substitution NAME=VALUE for ${NAME}; repeatable. Given any, a placeholder left in a Resource is an error."
        )
        var substitution: [String] = []

        func run() async throws {
            let text = try readText(file)
            let values = try substitutionValues(substitution)
            // Errors and warnings, as AWS's ValidateStateMachineDefinition grades them; only errors fail.
            let diagnostics = StatesDefinition.validate(text, substitutions: values)
            for diagnostic in diagnostics { print("\(diagnostic.severity.rawValue) \(diagnostic)") }
            if diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
            print("valid")
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a definition and print one JSON object: {\"status\",\"output\",\"error\",\"cause\"}.",
            discussion: """
                Task states are answered by the mock configuration's test case (AWS Step Functions Local's format); \
                without one, every Task fails with States.TaskFailed. Wait states and retry intervals really wait.
                """)

        @Option(help: "The .asl.json file.") var definition: String
        @Option(help: "The execution input: JSON text, or @FILE.") var input: String = "{}"
        @Option(help: "A Step Functions Local mock configuration file.") var mockConfig: String?
        @Option(help: "The test case in the mock configuration to use.") var testCase: String?
        @Option(help: "The state machine in the mock configuration, when several have the test case.")
        var stateMachine: String?
        @Option(help: "A definition substitution NAME=VALUE for ${NAME}; repeatable.") var substitution: [String] = []
        @Flag(help: "Also print the execution history.") var history = false
        @Option(
            help:
                "A folder standing in for S3 for a distributed Map's ItemReader: object Key of Bucket is FOLDER/Bucket/Key."
        )
        var objects: String?

        func validate() throws {
            if (mockConfig == nil) != (testCase == nil) {
                throw ValidationError("--mock-config and --test-case go together")
            }
        }

        func run() async throws {
            let text = try readText(definition)
            let inputText = input.hasPrefix("@") ? try readText(String(input.dropFirst())) : input
            let inputJSON: JSON
            do {
                inputJSON = try JSON(parsing: inputText)
            } catch {
                throw ValidationError("--input is not valid JSON: \(error)")
            }
            let substitutions = try substitutionValues(substitution)
            var tasks: any TaskResolver = TaskRegistry()
            if let mockConfig, let testCase {
                do {
                    let json = try JSON(parsing: try readText(mockConfig))
                    tasks = try MockConfiguration(json: json, testCase: testCase, stateMachine: stateMachine).resolver()
                } catch let error as StatesError {
                    throw ValidationError(error.cause)
                } catch {
                    throw ValidationError("--mock-config is not valid JSON: \(error)")
                }
            }
            if let objects { tasks = FolderObjects(folder: URL(fileURLWithPath: objects)).before(tasks) }
            let engine = WorkflowEngine(tasks: tasks, journal: InMemoryJournal(), clock: SystemEngineClock())
            let name = URL(fileURLWithPath: definition).deletingPathExtension().deletingPathExtension()
                .lastPathComponent
            let result: ExecutionResult
            do {
                result = try await engine.run(
                    definition: text, substitutions: substitutions,
                    stateMachineName: name.isEmpty ? "StateMachine" : name,
                    name: "local-\(UUID().uuidString.lowercased())", input: inputJSON)
            } catch let error as DefinitionError {
                for diagnostic in error.diagnostics {
                    FileHandle.standardError.write(Data("ERROR \(diagnostic)\n".utf8))
                }
                throw ExitCode(1)
            }
            var object: JSONObject = [
                "status": .string(result.outcome.status.rawValue), "output": result.outcome.output ?? .null,
                "error": result.outcome.error.map(JSON.string) ?? .null,
                "cause": result.outcome.cause.map(JSON.string) ?? .null,
            ]
            if history { object["history"] = .array(result.history.map(\.json)) }
            print(JSON.object(object).serialized())
        }
    }
}

/// `--substitution NAME=VALUE` options as a dictionary.
func substitutionValues(_ pairs: [String]) throws -> [String: String] {
    var values: [String: String] = [:]
    for pair in pairs {
        guard let equals = pair.firstIndex(of: "=") else {
            throw ValidationError("--substitution takes NAME=VALUE, not '\(pair)'")
        }
        values[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
    }
    return values
}

/// The text of a file, with a clear error when it cannot be read.
func readText(_ path: String) throws -> String {
    do {
        return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw ValidationError("cannot read \(path): \(error.localizedDescription)")
    }
}
