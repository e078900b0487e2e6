import Foundation

extension Order {
    /// Moves the order to `status`, appending to its timeline. Pure: the store persists the result.
    /// - Throws: `invalid_transition` for any move the API does not list.
    public mutating func move(to status: OrderStatus, at time: Date, note: String? = nil) throws {
        guard self.status.allowedMoves.contains(status) else {
            throw OrderlyError(
                .invalidTransition, "An order that is \(self.status.rawValue) cannot become \(status.rawValue).",
                fieldIssues: [
                    FieldIssue(
                        field: "status", message: "cannot move from \(self.status.rawValue) to \(status.rawValue)")
                ])
        }
        self.status = status
        timeline.append(TimelineEntry(status: status, at: time, note: note))
        updatedAt = time
    }

    /// Moves the order to `status` only if it is still `expected`: the compare-and-set every status change is, so
    /// that a decision taken on one status is never applied to another (a cancel meant for a `CREATED` order must
    /// not cancel the `CONFIRMED` order it became meanwhile, with its payment captured).
    /// - Throws: `conflict` when the status is no longer `expected`; `invalid_transition` for a move not listed.
    public mutating func move(from expected: OrderStatus, to status: OrderStatus, at time: Date, note: String? = nil)
        throws
    {
        guard self.status == expected else {
            throw OrderlyError(
                .conflict, "The order became \(self.status.rawValue) meanwhile; it was \(expected.rawValue).",
                fieldIssues: [
                    FieldIssue(field: "status", message: "is \(self.status.rawValue), not \(expected.rawValue)")
                ])
        }
        try move(to: status, at: time, note: note)
    }

    /// Cancels a checkout that failed, recording why. Cancelling an order already cancelled changes nothing.
    public mutating func cancelCheckout(reason: String, at time: Date) throws {
        if status == .cancelled { return }
        try move(to: .cancelled, at: time, note: reason)
        failureReason = reason
    }

    /// Sets the payment status.
    /// - Throws: `invalid_transition` for a move the payment status machine does not allow.
    public mutating func setPaymentStatus(_ status: PaymentStatus, at time: Date) throws {
        guard status != paymentStatus else { return }
        guard paymentStatus.allowedMoves.contains(status) else {
            throw OrderlyError(
                .invalidTransition, "A payment that is \(paymentStatus.rawValue) cannot become \(status.rawValue).")
        }
        paymentStatus = status
        updatedAt = time
    }
}
