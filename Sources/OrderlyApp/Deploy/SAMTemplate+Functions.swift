import OrderlyServices
import StatesLanguage

extension SAMTemplate {
    static func allow(_ actions: [String], _ resources: [JSON]) -> JSON {
        ["Effect": "Allow", "Action": .array(actions.map(JSON.string)), "Resource": .array(resources)]
    }

    /// Reading and writing the deployment's own tables (and their indexes), nothing else in DynamoDB.
    static let store = allow(
        [
            "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
            "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable",
        ],
        [sub("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Prefix}-*")])

    /// Starting and reading executions of the deployment's state machines.
    static let executions = allow(
        ["states:StartExecution", "states:DescribeExecution", "states:GetExecutionHistory", "states:ListExecutions"],
        WorkflowDefinitions.all.flatMap { name, _ in
            [
                ref(logicalName(name) + "StateMachine"),
                sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${Prefix}-\(name):*"),
            ]
        })

    /// What a function that starts workflows is told: Step Functions runs them, and where.
    static var workflowVariables: JSONObject {
        var variables: JSONObject = ["ORDERLY_WORKFLOWS": "stepfunctions"]
        for (name, _) in WorkflowDefinitions.all {
            let variable = "ORDERLY_STATE_MACHINE_ARN_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
            variables[variable] = ref(logicalName(name) + "StateMachine")
        }
        return variables
    }

    /// A function with its log group (named after it, kept 30 days).
    static func function(
        _ logical: String, name: String, handler: String, statements: [JSON], variables: JSONObject = [:],
        events: JSONObject = [:], timeout: Int? = nil
    ) -> [(String, JSON)] {
        var properties: JSONObject = [
            "FunctionName": sub("${Prefix}-\(name)"), "Handler": .string(handler),
            "Policies": [["Version": "2012-10-17", "Statement": .array([store] + statements)]],
            "LoggingConfig": ["LogFormat": "JSON", "LogGroup": ref("\(logical)LogGroup")],
        ]
        if !variables.isEmpty { properties["Environment"] = ["Variables": .object(variables)] }
        if !events.isEmpty { properties["Events"] = .object(events) }
        if let timeout { properties["Timeout"] = .int(timeout) }
        return [
            ("\(logical)Function", ["Type": "AWS::Serverless::Function", "Properties": .object(properties)]),
            (
                "\(logical)LogGroup",
                [
                    "Type": "AWS::Logs::LogGroup",
                    "Properties": ["LogGroupName": sub("/aws/lambda/${Prefix}-\(name)"), "RetentionInDays": 30],
                ]
            ),
        ]
    }

    static func functions() -> [(String, JSON)] {
        let schedule: JSONObject = [
            "EveryMinute": ["Type": "Schedule", "Properties": ["Schedule": "rate(1 minute)"]]
        ]
        var resources: [(String, JSON)] = [
            ("HttpApi", ["Type": "AWS::Serverless::HttpApi", "Properties": ["FailOnWarnings": true]])
        ]
        resources += function(
            "Api", name: "api", handler: "api",
            statements: [
                executions, allow(["s3:GetObject"], [sub("arn:${AWS::Partition}:s3:::${Prefix}-receipts/*")]),
            ],
            variables: workflowVariables.merging([
                "ORDERLY_ADMIN_EMAIL": ref("AdminEmail"), "ORDERLY_ADMIN_PASSWORD": ref("AdminPassword"),
            ]) { $1 },
            events: ["Http": ["Type": "HttpApi", "Properties": ["ApiId": ref("HttpApi")]]])
        for task in WorkflowDefinitions.functions {
            let statements =
                task == "GenerateReceipt"
                ? [allow(["s3:PutObject"], [sub("arn:${AWS::Partition}:s3:::${Prefix}-receipts/*")])] : []
            resources += function(task, name: task, handler: "task.\(task)", statements: statements)
        }
        resources += function(
            "Outbox", name: "outbox", handler: "outbox",
            statements: [allow(["events:PutEvents"], [arn("EventBus")])], events: schedule, timeout: 60)
        resources += function(
            "Scheduler", name: "scheduler", handler: "scheduler", statements: [executions],
            variables: workflowVariables, events: schedule, timeout: 60)
        for (consumer, _) in EventRoutes.all {
            var statements = [executions]
            if consumer == NotificationConsumer.name {
                statements.append(allow(["sns:Publish"], [ref("NotificationsTopic")]))
            }
            resources += function(
                logicalName(consumer) + "Consumer", name: "consumer-\(consumer)", handler: "consumer.\(consumer)",
                statements: statements, variables: workflowVariables,
                events: [
                    "Queue": [
                        "Type": "SQS",
                        "Properties": [
                            "Queue": arn("\(logicalName(consumer))Queue"), "BatchSize": 10,
                            "FunctionResponseTypes": ["ReportBatchItemFailures"],
                        ],
                    ]
                ])
        }
        return resources
    }

    /// The state machines from `Workflows/*.asl.json`, their placeholders filled with the task functions' ARNs, the
    /// topic and the bus; each may invoke only the functions it names.
    static func stateMachines() -> [(String, JSON)] {
        WorkflowDefinitions.all.flatMap { name, definition -> [(String, JSON)] in
            let logical = logicalName(name)
            let tasks = WorkflowDefinitions.functions.filter { definition.contains("${\($0)FunctionArn}") }
            var substitutions: JSONObject = [
                "NotificationTopicArn": ref("NotificationsTopic"), "EventBusName": ref("EventBus"),
            ]
            for task in tasks { substitutions["\(task)FunctionArn"] = arn("\(task)Function") }
            var statements = [
                allow(["lambda:InvokeFunction"], tasks.map { arn("\($0)Function") }),
                allow(
                    [
                        "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                        "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                        "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
                    ], ["*"]),
            ]
            if definition.contains("arn:aws:states:::sns:publish") {
                statements.append(allow(["sns:Publish"], [ref("NotificationsTopic")]))
            }
            if definition.contains("arn:aws:states:::events:putEvents") {
                statements.append(allow(["events:PutEvents"], [arn("EventBus")]))
            }
            return [
                (
                    "\(logical)StateMachine",
                    [
                        "Type": "AWS::Serverless::StateMachine",
                        "Properties": [
                            "Name": sub("${Prefix}-\(name)"),
                            "DefinitionUri": .string("../../Workflows/\(name).asl.json"),
                            "DefinitionSubstitutions": .object(substitutions),
                            "Policies": [["Version": "2012-10-17", "Statement": .array(statements)]],
                            "Logging": [
                                "Level": "ERROR", "IncludeExecutionData": false,
                                "Destinations": [
                                    ["CloudWatchLogsLogGroup": ["LogGroupArn": arn("\(logical)LogGroup")]]
                                ],
                            ],
                        ],
                    ]
                ),
                (
                    "\(logical)LogGroup",
                    [
                        "Type": "AWS::Logs::LogGroup",
                        "Properties": [
                            "LogGroupName": sub("/aws/vendedlogs/states/${Prefix}-\(name)"), "RetentionInDays": 30,
                        ],
                    ]
                ),
            ]
        }
    }
}
