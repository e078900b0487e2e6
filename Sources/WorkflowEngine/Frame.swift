import Foundation
import StatesLanguage

/// A thread of control: the top-level machine, one Parallel branch, or one Map iteration.
///
/// A value stored copy-on-write: the engine reads a frame's fields several times a step, and copying a structure of
/// this many fields took a reference count each (with the state it was in, half of a checkout's engine stepping). Now
/// a copy takes one, and a change copies the fields only while another copy of the frame is alive.
struct Frame: Sendable {
    /// The frame's values, held by one reference.
    private struct Values {
        let id: Int
        let machine: StateMachine
        var stateName: String
        var state: State
        var input: JSON
        let parent: Int?
        let slot: Int
        let label: String
        let readsOuter: Bool
        var lastEventID: Int
        var variables: JSONObject = [:]
        var visits: [String: Int] = [:]
        var retryAttempts: [Int] = []
        var enteredAt = Date(timeIntervalSince1970: 0)
        var enteredEventID = 0
        var effectiveInput: JSON = .null
        var waiting: Waiting?
    }

    /// Mutated only through ``unique()``, so never while shared.
    private final class Fields: @unchecked Sendable {
        var values: Values
        init(_ values: Values) { self.values = values }
    }

    private var fields: Fields

    init(
        id: Int, machine: StateMachine, stateName: String, input: JSON, parent: Int?, slot: Int, label: String,
        readsOuter: Bool, lastEventID: Int
    ) {
        fields = Fields(
            Values(
                id: id, machine: machine, stateName: stateName, state: machine.states[stateName]!, input: input,
                parent: parent, slot: slot, label: label, readsOuter: readsOuter, lastEventID: lastEventID))
    }

    /// The fields, copied first if another copy of the frame shares them.
    private mutating func unique() -> Fields {
        if !isKnownUniquelyReferenced(&fields) { fields = Fields(fields.values) }
        return fields
    }

    var id: Int { fields.values.id }
    var machine: StateMachine { fields.values.machine }
    var parent: Int? { fields.values.parent }
    /// Which branch or item of the parent this frame is.
    var slot: Int { fields.values.slot }
    /// Prefix of idempotency keys: `""` at the top, `Fanout[1]/` inside a branch or item.
    var label: String { fields.values.label }
    var readsOuter: Bool { fields.values.readsOuter }

    /// The current state's name; setting it moves the frame to that state of its machine.
    var stateName: String {
        get { fields.values.stateName }
        set {
            let fields = unique()
            fields.values.state = fields.values.machine.states[newValue]!
            fields.values.stateName = newValue
        }
    }

    /// The current state.
    var state: State { fields.values.state }

    /// The raw input of the current state.
    var input: JSON {
        get { fields.values.input }
        _modify { yield &unique().values.input }
    }

    var lastEventID: Int {
        get { fields.values.lastEventID }
        _modify { yield &unique().values.lastEventID }
    }

    var variables: JSONObject {
        get { fields.values.variables }
        _modify { yield &unique().values.variables }
    }

    var visits: [String: Int] {
        get { fields.values.visits }
        _modify { yield &unique().values.visits }
    }

    var retryAttempts: [Int] {
        get { fields.values.retryAttempts }
        _modify { yield &unique().values.retryAttempts }
    }

    var enteredAt: Date {
        get { fields.values.enteredAt }
        _modify { yield &unique().values.enteredAt }
    }

    var enteredEventID: Int {
        get { fields.values.enteredEventID }
        _modify { yield &unique().values.enteredEventID }
    }

    /// The input after InputPath, kept for retries and waits.
    var effectiveInput: JSON {
        get { fields.values.effectiveInput }
        _modify { yield &unique().values.effectiveInput }
    }

    var waiting: Waiting? {
        get { fields.values.waiting }
        _modify { yield &unique().values.waiting }
    }
}
