import OrderlyPorts

/// The workflows Orderly ships (`Workflows/*.asl.json`) and how their placeholders are filled in this process.
public enum WorkflowDefinitions {
    /// The Task functions the definitions name as `${NameFunctionArn}`.
    public static let functions = [
        "ValidateOrder", "ReserveInventory", "ProcessPayment", "CommitInventory", "ConfirmOrder", "GenerateReceipt",
        "RefundPayment", "ReleaseInventory", "CancelOrder",
    ]

    /// The resource a function has in the embedded engine.
    public static func localResource(_ function: String) -> String { "arn:orderly:function:\(function)" }

    /// `DefinitionSubstitutions` for the embedded engine (the SAM template gives AWS's).
    public static let localSubstitutions: [String: String] = {
        var values = Dictionary(uniqueKeysWithValues: functions.map { ("\($0)FunctionArn", localResource($0)) })
        values["NotificationTopicArn"] = "arn:orderly:sns:notifications"
        values["EventBusName"] = "orderly"
        return values
    }()

    /// The definition text of a workflow, as shipped.
    public static func text(of workflow: WorkflowName) -> String? { embedded[workflow.rawValue] }

    /// Every shipped workflow's name and definition.
    public static var all: [(name: String, definition: String)] {
        embedded.keys.sorted().map { ($0, embedded[$0]!) }
    }
}
