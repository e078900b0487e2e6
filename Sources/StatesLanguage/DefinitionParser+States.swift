import Foundation

extension DefinitionParser {
    mutating func task(_ object: JSONObject, location: String) -> State.Kind? {
        guard case .string(let resource)? = object["Resource"], !resource.isEmpty else {
            report("\(location)/Resource", "The field 'Resource' must be a non-empty string")
            return nil
        }
        if placeholdersMustResolve, let range = resource.range(of: "${"), resource[range.upperBound...].contains("}") {
            report(
                "\(location)/Resource",
                "The resource '\(resource)' holds a placeholder that no definition substitution filled",
                code: Diagnostic.invalidResource)
        }
        let (timeout, timeoutExpression) = positiveField(object, "TimeoutSeconds", location: location)
        let (heartbeat, heartbeatExpression) = positiveField(object, "HeartbeatSeconds", location: location)
        if object["TimeoutSeconds"] != nil && object["TimeoutSecondsPath"] != nil {
            report(location, "A Task may have 'TimeoutSeconds' or 'TimeoutSecondsPath', not both")
        }
        if object["HeartbeatSeconds"] != nil && object["HeartbeatSecondsPath"] != nil {
            report(location, "A Task may have 'HeartbeatSeconds' or 'HeartbeatSecondsPath', not both")
        }
        if let timeout, let heartbeat, heartbeat >= timeout {
            report("\(location)/HeartbeatSeconds", "HeartbeatSeconds must be smaller than TimeoutSeconds")
        }
        return .task(
            TaskSpec(
                resource: resource, timeoutSeconds: timeout,
                timeoutSecondsPath: object["TimeoutSecondsPath"].flatMap {
                    path($0, "TimeoutSecondsPath", location: location)
                },
                heartbeatSeconds: heartbeat,
                heartbeatSecondsPath: object["HeartbeatSecondsPath"].flatMap {
                    path($0, "HeartbeatSecondsPath", location: location)
                }, timeoutSecondsExpression: timeoutExpression, heartbeatSecondsExpression: heartbeatExpression))
    }

    mutating func wait(_ object: JSONObject, location: String) -> State.Kind? {
        let present = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"].filter { object[$0] != nil }
        guard present.count == 1 else {
            report(location, "A Wait state needs exactly one of Seconds, SecondsPath, Timestamp and TimestampPath")
            return nil
        }
        if let expression = expressionField(object[present[0]], present[0], location: location) {
            return .wait(present[0] == "Seconds" ? .secondsExpression(expression) : .timestampExpression(expression))
        }
        switch present[0] {
        case "Seconds":
            guard let seconds = object["Seconds"]!.intValue, seconds >= 0, seconds <= 31_536_000 else {
                report("\(location)/Seconds", "The field 'Seconds' must be a whole number from 0 to 31536000")
                return nil
            }
            return .wait(.seconds(seconds))
        case "Timestamp":
            guard case .string(let text)? = object["Timestamp"], let date = Timestamp.parse(text) else {
                report(
                    "\(location)/Timestamp",
                    "The field 'Timestamp' must be an RFC 3339 timestamp like 2026-11-21T07:00:00Z")
                return nil
            }
            return .wait(.timestamp(date))
        case "SecondsPath":
            return path(object["SecondsPath"]!, "SecondsPath", location: location).map { .wait(.secondsPath($0)) }
        default:
            return path(object["TimestampPath"]!, "TimestampPath", location: location).map { .wait(.timestampPath($0)) }
        }
    }

    mutating func fail(_ object: JSONObject, location: String) -> State.Kind? {
        func source(_ field: String, _ pathField: String) -> StringSource? {
            if object[field] != nil && object[pathField] != nil {
                report(location, "A Fail state may have '\(field)' or '\(pathField)', not both")
            }
            if let expression = expressionField(object[field], field, location: location) {
                return .expression(expression)
            }
            if let value = object[field] {
                guard case .string(let text) = value else {
                    report("\(location)/\(field)", "The field '\(field)' must be a string")
                    return nil
                }
                return .literal(text)
            }
            guard let value = object[pathField] else { return nil }
            guard case .string(let text) = value else {
                report("\(location)/\(pathField)", "The field '\(pathField)' must be a string")
                return nil
            }
            do {
                return IntrinsicCall.looksLikeCall(text)
                    ? .call(try IntrinsicCall(parsing: text)) : .path(try JSONPath(parsing: text))
            } catch {
                report("\(location)/\(pathField)", "\(error)")
                return nil
            }
        }
        return .fail(FailSpec(error: source("Error", "ErrorPath"), cause: source("Cause", "CausePath")))
    }

    mutating func parallel(_ object: JSONObject, location: String) -> State.Kind? {
        guard case .array(let branches)? = object["Branches"], !branches.isEmpty else {
            report("\(location)/Branches", "The field 'Branches' must be a non-empty array of state machines")
            return nil
        }
        let machines = branches.enumerated().compactMap { index, branch in
            machine(branch, location: "\(location)/Branches/\(index)", topLevel: false)
        }
        return machines.count == branches.count ? .parallel(branches: machines) : nil
    }

    mutating func map(_ object: JSONObject, location: String) -> State.Kind? {
        if object["ItemSelector"] != nil && object["Parameters"] != nil {
            report(location, "A Map state may have 'ItemSelector' or 'Parameters', not both")
        }
        let processorField = object["ItemProcessor"] != nil ? "ItemProcessor" : "Iterator"
        if object["ItemProcessor"] != nil && object["Iterator"] != nil {
            report(location, "A Map state may have 'ItemProcessor' or 'Iterator', not both")
        }
        guard let processorJSON = object[processorField] else {
            report(location, "A Map state needs 'ItemProcessor'")
            return nil
        }
        var distributed = false
        if case .object(let config)? = processorJSON["ProcessorConfig"] {
            switch config["Mode"] {
            case nil, .string("INLINE")?: break
            case .string("DISTRIBUTED")?: distributed = true
            default: report("\(location)/\(processorField)/ProcessorConfig/Mode", "Mode must be INLINE or DISTRIBUTED")
            }
            if let type = config["ExecutionType"], type != "STANDARD", type != "EXPRESS" {
                report(
                    "\(location)/\(processorField)/ProcessorConfig/ExecutionType",
                    "ExecutionType must be STANDARD or EXPRESS")
            }
            if distributed && config["ExecutionType"] == nil {
                report(
                    "\(location)/\(processorField)/ProcessorConfig",
                    "A DISTRIBUTED Map needs 'ExecutionType' (STANDARD or EXPRESS) in its ProcessorConfig")
            }
        }
        // What only a distributed Map has, and fields that exclude each other.
        for field in [
            "ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath", "Label",
        ]
        where !distributed && object[field] != nil {
            report(
                "\(location)/\(field)",
                "The field '\(field)' is only allowed in a Map state whose ProcessorConfig Mode is DISTRIBUTED")
        }
        for (field, pathField) in [
            ("MaxConcurrency", "MaxConcurrencyPath"), ("ToleratedFailureCount", "ToleratedFailureCountPath"),
            ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
        ] where object[field] != nil && object[pathField] != nil {
            report(location, "A Map state may have '\(field)' or '\(pathField)', not both")
        }
        let processor = machine(
            processorJSON, location: "\(location)/\(processorField)", topLevel: false, processor: true)
        let (maxConcurrency, maxConcurrencyExpression) = numberField(
            object, "MaxConcurrency", location: location,
            refused: "The field 'MaxConcurrency' must be a whole number ≥ 0"
        ) { $0.intValue.flatMap { $0 >= 0 ? $0 : nil } }
        let (count, countExpression) = numberField(
            object, "ToleratedFailureCount", location: location,
            refused: "ToleratedFailureCount must be a whole number ≥ 0"
        ) { $0.intValue.flatMap { $0 >= 0 ? $0 : nil } }
        let (percentage, percentageExpression) = numberField(
            object, "ToleratedFailurePercentage", location: location,
            refused: "ToleratedFailurePercentage must be a number from 0 to 100"
        ) { $0.doubleValue.flatMap { (0...100).contains($0) ? $0 : nil } }
        var items: Template?
        if language == .jsonata, let value = object["Items"] {
            switch value {
            case .array, .string: items = queryTemplate(value, "Items", location: location)
            default: break
            }
            if case .value(let literal)? = items, literal.arrayValue == nil { items = nil }
            if items == nil {
                report("\(location)/Items", "The field 'Items' must be an array or a JSONata expression")
            }
        }
        var batcher: ItemBatcher?
        if let batcherJSON = object["ItemBatcher"] {
            if !distributed {
                report("\(location)/ItemBatcher", "ItemBatcher needs ProcessorConfig Mode DISTRIBUTED")
            }
            batcher = itemBatcher(batcherJSON, location: "\(location)/ItemBatcher")
        }
        let reader = object["ItemReader"].flatMap {
            itemReader($0, distributed: distributed, location: "\(location)/ItemReader")
        }
        let writer = object["ResultWriter"].flatMap {
            resultWriter($0, distributed: distributed, location: "\(location)/ResultWriter")
        }
        guard let processor else { return nil }
        let selectorField = object["ItemSelector"] != nil ? "ItemSelector" : "Parameters"
        return .map(
            MapSpec(
                itemsPath: pathField(object["ItemsPath"], "ItemsPath", location: location),
                itemSelector: payload(object[selectorField], selectorField, location: location),
                processor: processor, distributed: distributed, maxConcurrency: maxConcurrency,
                maxConcurrencyPath: object["MaxConcurrencyPath"].flatMap {
                    path($0, "MaxConcurrencyPath", location: location)
                },
                toleratedFailurePercentage: percentage,
                toleratedFailurePercentagePath: object["ToleratedFailurePercentagePath"].flatMap {
                    path($0, "ToleratedFailurePercentagePath", location: location)
                },
                toleratedFailureCount: count,
                toleratedFailureCountPath: object["ToleratedFailureCountPath"].flatMap {
                    path($0, "ToleratedFailureCountPath", location: location)
                },
                batcher: batcher, itemReader: reader, resultWriter: writer, items: items,
                maxConcurrencyExpression: maxConcurrencyExpression, toleratedFailureCountExpression: countExpression,
                toleratedFailurePercentageExpression: percentageExpression))
    }

    private mutating func itemBatcher(_ json: JSON, location: String) -> ItemBatcher? {
        guard case .object(let object) = json else {
            report(location, "ItemBatcher must be an object")
            return nil
        }
        let allowed: Set<String> = [
            "MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath",
            "BatchInput",
        ]
        for key in object.keys.sorted() where !allowed.contains(key) {
            report("\(location)/\(key)", "The field '\(key)' is not supported in ItemBatcher")
        }
        let (items, itemsExpression) = positiveField(object, "MaxItemsPerBatch", location: location)
        let (bytes, bytesExpression) = positiveField(object, "MaxInputBytesPerBatch", location: location)
        let itemsPath = object["MaxItemsPerBatchPath"].flatMap { path($0, "MaxItemsPerBatchPath", location: location) }
        let bytesPath = object["MaxInputBytesPerBatchPath"].flatMap {
            path($0, "MaxInputBytesPerBatchPath", location: location)
        }
        if items == nil && bytes == nil && itemsPath == nil && bytesPath == nil && itemsExpression == nil
            && bytesExpression == nil
        {
            report(location, "ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch (or their Path forms)")
        }
        return ItemBatcher(
            maxItemsPerBatch: items, maxItemsPerBatchPath: itemsPath, maxInputBytesPerBatch: bytes,
            maxInputBytesPerBatchPath: bytesPath,
            batchInput: payload(object["BatchInput"], "BatchInput", location: location),
            maxItemsPerBatchExpression: itemsExpression, maxInputBytesPerBatchExpression: bytesExpression)
    }
}
