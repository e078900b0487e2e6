import Foundation
import OrderlyModel
import OrderlyPorts
import StatesLanguage

/// A user's email is unique through the `uniques` item `email#<lowercased email>`, written with the user.
extension DynamoStore: UserStore {
    public func insertUser(_ user: User, events: [EventEnvelope]) async throws {
        do {
            try await transact(
                [
                    put(.users, try Self.userItem(user, version: 1), condition: "attribute_not_exists(id)"),
                    put(
                        .uniques,
                        [
                            "key": Attribute.string("email#" + user.email.key),
                            "userId": Attribute.string(user.id.rawValue),
                        ], condition: "attribute_not_exists(#key)", names: ["#key": "key"]),
                ] + outboxPuts(events))
        } catch let cancelled as TransactionCancelled where cancelled.failed(1) {
            throw OrderlyError(
                .emailTaken, "An account with this email already exists.",
                fieldIssues: [FieldIssue(field: "email", message: "is already registered")],
                underlying: cancelled.underlying)
        }
    }

    public func user(id: User.ID) async throws -> User? {
        try await get(.users, ["id": Attribute.string(id.rawValue)]).map { try Self.decode(User.self, $0) }
    }

    public func user(email: EmailAddress) async throws -> User? {
        guard let unique = try await get(.uniques, ["key": Attribute.string("email#" + email.key)]),
            let id = Attribute.string(unique["userId"])
        else { return nil }
        return try await user(id: User.ID(rawValue: id))
    }

    public func staff(role: Role, page: PageRequest) async throws -> Page<User> {
        guard role != .customer else { return Page(items: [], nextAfter: nil) }
        let (items, next) = try await self.page(
            .users, index: "staff", hash: (name: "staffRole", value: Attribute.string(role.rawValue)), sortKey: "id",
            newestFirst: true, page: page)
        return Page(items: try items.map { try Self.decode(User.self, $0) }, nextAfter: next)
    }

    /// A user's item: the document, its version, and for staff the role the `staff` index lists them by.
    static func userItem(_ user: User, version: Int) throws -> JSONObject {
        var item: JSONObject = [
            "id": Attribute.string(user.id.rawValue), "doc": try doc(user), "version": Attribute.number(version),
        ]
        if user.role != .customer { item["staffRole"] = Attribute.string(user.role.rawValue) }
        return item
    }

    public func updateUser(id: User.ID, patch: UserPatch, at time: Date, events: [EventEnvelope]) async throws -> User {
        try await retryingConflicts {
            guard let item = try await get(.users, ["id": Attribute.string(id.rawValue)]) else {
                throw OrderlyError.notFound("user")
            }
            let user = patch.applied(to: try Self.decode(User.self, item), at: time)
            let (condition, names, values) = Self.versionCondition(Self.version(item), key: "id")
            try await transactVersioned(
                [
                    put(
                        .users, try Self.userItem(user, version: Self.version(item) + 1), condition: condition,
                        names: names, values: values)
                ] + outboxPuts(events))
            return user
        }
    }
}

/// Each limit's key has one item listing the attempts within its window (`attempts`, JSON `[[id, millis]]`),
/// rewritten conditional on its version, all keys of one sign-in in one transaction: the check and the count are
/// one step. An attempt's own item (`attempt#<id>`) names its keys, so that a successful sign-in can be forgotten.
extension DynamoStore: LoginAttemptStore {
    public func takeLoginAttempt(limits: [LoginLimit], at time: Date) async throws -> LoginAttemptDecision {
        let now = Self.millis(time)
        return try await retryingConflicts {
            var writes: [JSON] = []
            let attempt = Int64.random(in: 1...Int64.max)
            for limit in limits {
                let item = try await get(.loginAttempts, ["key": Attribute.string(limit.key)])
                let since = now - Int(limit.window * 1000)
                var attempts = try item.map { try Self.decode([[Int64]].self, $0, attribute: "attempts") } ?? []
                attempts = attempts.filter { $0.count == 2 && $0[1] >= since }.sorted { $0[1] < $1[1] }
                if attempts.count >= limit.limit {
                    let oldest = attempts[attempts.count - limit.limit][1]
                    return .refused(retryAt: Date(timeIntervalSince1970: Double(oldest) / 1000 + limit.window))
                }
                attempts.append([attempt, Int64(now)])
                writes.append(
                    try attemptsWrite(
                        key: limit.key, attempts: attempts, version: item.map(Self.version),
                        expireAt: Int(time.timeIntervalSince1970 + limit.window) + 1))
            }
            let longest = limits.map(\.window).max() ?? 0
            writes.append(
                put(
                    .loginAttempts,
                    [
                        "key": Attribute.string("attempt#\(attempt)"), "keys": try Self.doc(limits.map(\.key)),
                        "expireAt": Attribute.number(Int(time.timeIntervalSince1970 + longest) + 1),
                    ]))
            try await transactVersioned(writes)
            return .allowed(attemptID: attempt)
        }
    }

    public func forgetLoginAttempt(_ attemptID: Int64, clearing key: String) async throws {
        _ = try await dynamo.call(
            "DeleteItem", ["TableName": .string(name(.loginAttempts)), "Key": ["key": Attribute.string(key)]])
        let own: JSONObject = ["key": Attribute.string("attempt#\(attemptID)")]
        guard let item = try await get(.loginAttempts, own) else { return }
        for other in try Self.decode([String].self, item, attribute: "keys") where other != key {
            try await retryingConflicts {
                guard let counted = try await get(.loginAttempts, ["key": Attribute.string(other)]) else { return }
                let attempts = try Self.decode([[Int64]].self, counted, attribute: "attempts")
                guard attempts.contains(where: { $0.first == attemptID }) else { return }
                try await transactVersioned([
                    try attemptsWrite(
                        key: other, attempts: attempts.filter { $0.first != attemptID },
                        version: Self.version(counted), expireAt: Attribute.number(counted["expireAt"]) ?? 0)
                ])
            }
        }
        _ = try await dynamo.call("DeleteItem", ["TableName": .string(name(.loginAttempts)), "Key": .object(own)])
    }

    func attemptsWrite(key: String, attempts: [[Int64]], version: Int?, expireAt: Int) throws -> JSON {
        let (condition, names, values) = Self.versionCondition(version, key: "key")
        return put(
            .loginAttempts,
            [
                "key": Attribute.string(key), "attempts": try Self.doc(attempts),
                "version": Attribute.number((version ?? 0) + 1), "expireAt": Attribute.number(expireAt),
            ], condition: condition, names: names, values: values)
    }
}

/// `Idempotency-Key` records, keyed by scope and key, removed by DynamoDB's TTL a day after they were claimed.
extension DynamoStore: IdempotencyStore {
    static let idempotencyWindow = 24 * 3600 * 1000

    public func begin(
        scope: String, key: String, fingerprint: String, at time: Date, lease: TimeInterval
    ) async throws -> IdempotencyBegin {
        let now = Self.millis(time)
        let itemKey: JSONObject = ["scope": Attribute.string(scope), "key": Attribute.string(key)]
        for _ in 1...Self.attempts {
            if let item = try await get(.idempotency, itemKey),
                let createdAt = Attribute.number(item["createdAt"]), now - createdAt < Self.idempotencyWindow
            {
                guard Attribute.string(item["fingerprint"]) == fingerprint else { return .mismatch }
                if let status = Attribute.number(item["status"]) {
                    let body = Data(base64Encoded: Attribute.string(item["body"]) ?? "") ?? Data()
                    return .replay(
                        StoredResponse(
                            status: status, contentType: Attribute.string(item["contentType"]) ?? "", body: body))
                }
                guard now - createdAt >= Int(lease * 1000) else { return .inProgress }
                // The request holding it died: this one takes the claim over, unless another did first.
                do {
                    _ = try await dynamo.call(
                        "UpdateItem",
                        [
                            "TableName": .string(name(.idempotency)), "Key": .object(itemKey),
                            "UpdateExpression": "SET createdAt = :now",
                            "ConditionExpression": "createdAt = :seen AND attribute_not_exists(#status)",
                            "ExpressionAttributeNames": ["#status": "status"],
                            "ExpressionAttributeValues": [
                                ":now": Attribute.number(now), ":seen": Attribute.number(createdAt),
                            ],
                        ])
                    return .proceed
                } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
                    continue
                }
            }
            do {
                _ = try await dynamo.call(
                    "PutItem",
                    [
                        "TableName": .string(name(.idempotency)),
                        "Item": .object(
                            itemKey.merging([
                                "fingerprint": Attribute.string(fingerprint), "createdAt": Attribute.number(now),
                                "expireAt": Attribute.number(now / 1000 + Self.idempotencyWindow / 1000),
                            ]) { $1 }),
                        "ConditionExpression": "attribute_not_exists(#key) OR createdAt < :expired",
                        "ExpressionAttributeNames": ["#key": "key"],
                        "ExpressionAttributeValues": [":expired": Attribute.number(now - Self.idempotencyWindow)],
                    ])
                return .proceed
            } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
                continue  // claimed a moment ago by another request: read what it is
            }
        }
        return .inProgress
    }

    public func complete(scope: String, key: String, response: StoredResponse, at time: Date) async throws {
        _ = try await dynamo.call(
            "UpdateItem",
            [
                "TableName": .string(name(.idempotency)),
                "Key": ["scope": Attribute.string(scope), "key": Attribute.string(key)],
                "UpdateExpression": "SET #status = :status, contentType = :type, body = :body",
                "ExpressionAttributeNames": ["#status": "status"],
                "ExpressionAttributeValues": [
                    ":status": Attribute.number(response.status), ":type": Attribute.string(response.contentType),
                    ":body": Attribute.string(response.body.base64EncodedString()),
                ],
            ])
    }

    public func abandon(scope: String, key: String) async throws {
        do {
            _ = try await dynamo.call(
                "DeleteItem",
                [
                    "TableName": .string(name(.idempotency)),
                    "Key": ["scope": Attribute.string(scope), "key": Attribute.string(key)],
                    "ConditionExpression": "attribute_not_exists(#status)",
                    "ExpressionAttributeNames": ["#status": "status"],
                ])
        } catch let error as AWSError where error.code == "ConditionalCheckFailedException" {
            return  // answered: the answer stays
        }
    }
}

/// A notification is deduplicated by the `uniques` item `notification#<dedupe key>`, written with it.
extension DynamoStore: NotificationStore {
    public func insertNotification(_ notification: UserNotification, dedupeKey: String) async throws -> Bool {
        do {
            try await transact([
                put(
                    .notifications,
                    [
                        "id": Attribute.string(notification.id.rawValue),
                        "userId": Attribute.string(notification.userID.rawValue),
                        "type": Attribute.string(notification.type), "channel": Attribute.string(notification.channel),
                        "subject": Attribute.string(notification.subject),
                        "message": Attribute.string(notification.message),
                        "status": Attribute.string(notification.status),
                        "createdAt": Attribute.number(Self.millis(notification.createdAt)),
                    ], condition: "attribute_not_exists(id)"),
                put(
                    .uniques, ["key": Attribute.string("notification#" + dedupeKey)],
                    condition: "attribute_not_exists(#key)", names: ["#key": "key"]),
            ])
            return true
        } catch let cancelled as TransactionCancelled where cancelled.failed(1) {
            return false
        }
    }

    public func notifications(userID: User.ID, page: PageRequest) async throws -> Page<UserNotification> {
        let (items, next) = try await self.page(
            .notifications, index: "byUser", hash: ("userId", Attribute.string(userID.rawValue)), sortKey: "id",
            newestFirst: true, page: page)
        return Page(
            items: items.map { item in
                UserNotification(
                    id: .init(rawValue: Attribute.string(item["id"]) ?? ""), userID: userID,
                    type: Attribute.string(item["type"]) ?? "", channel: Attribute.string(item["channel"]) ?? "",
                    subject: Attribute.string(item["subject"]) ?? "", message: Attribute.string(item["message"]) ?? "",
                    status: Attribute.string(item["status"]) ?? "",
                    createdAt: Date(timeIntervalSince1970: Double(Attribute.number(item["createdAt"]) ?? 0) / 1000))
            }, nextAfter: next)
    }
}
