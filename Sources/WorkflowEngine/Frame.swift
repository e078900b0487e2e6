import Foundation
import StatesLanguage

/// A thread of control: the top-level machine, one Parallel branch, or one Map iteration.
///
/// A value stored copy-on-write: the engine reads a frame's fields several times a step, and copying a structure of
/// this many fields took a reference count each (with the state it was in, half of a checkout's engine stepping). Now
/// a copy takes one, and a change copies the fields only while another copy of the frame is alive.
struct Frame: Sendable {
    /// Mutated only through ``unique()``, so never while shared.
    private final class Fields: @unchecked Sendable {
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

        init(
            id: Int, machine: StateMachine, stateName: String, state: State, input: JSON, parent: Int?, slot: Int,
            label: String, readsOuter: Bool, lastEventID: Int
        ) {
            self.id = id
            self.machine = machine
            self.stateName = stateName
            self.state = state
            self.input = input
            self.parent = parent
            self.slot = slot
            self.label = label
            self.readsOuter = readsOuter
            self.lastEventID = lastEventID
        }

        func copy() -> Fields {
            let copy = Fields(
                id: id, machine: machine, stateName: stateName, state: state, input: input, parent: parent, slot: slot,
                label: label, readsOuter: readsOuter, lastEventID: lastEventID)
            copy.variables = variables
            copy.visits = visits
            copy.retryAttempts = retryAttempts
            copy.enteredAt = enteredAt
            copy.enteredEventID = enteredEventID
            copy.effectiveInput = effectiveInput
            copy.waiting = waiting
            return copy
        }
    }

    private var fields: Fields

    init(
        id: Int, machine: StateMachine, stateName: String, input: JSON, parent: Int?, slot: Int, label: String,
        readsOuter: Bool, lastEventID: Int
    ) {
        fields = Fields(
            id: id, machine: machine, stateName: stateName, state: machine.states[stateName]!, input: input,
            parent: parent, slot: slot, label: label, readsOuter: readsOuter, lastEventID: lastEventID)
    }

    /// The fields, copied first if another copy of the frame shares them.
    private mutating func unique() -> Fields {
        if !isKnownUniquelyReferenced(&fields) { fields = fields.copy() }
        return fields
    }

    var id: Int { fields.id }
    var machine: StateMachine { fields.machine }
    var parent: Int? { fields.parent }
    /// Which branch or item of the parent this frame is.
    var slot: Int { fields.slot }
    /// Prefix of idempotency keys: `""` at the top, `Fanout[1]/` inside a branch or item.
    var label: String { fields.label }
    var readsOuter: Bool { fields.readsOuter }

    /// The current state's name; setting it moves the frame to that state of its machine.
    var stateName: String {
        get { fields.stateName }
        set {
            let fields = unique()
            fields.state = fields.machine.states[newValue]!
            fields.stateName = newValue
        }
    }

    /// The current state.
    var state: State { fields.state }

    /// The raw input of the current state.
    var input: JSON {
        get { fields.input }
        _modify { yield &unique().input }
    }

    var lastEventID: Int {
        get { fields.lastEventID }
        _modify { yield &unique().lastEventID }
    }

    var variables: JSONObject {
        get { fields.variables }
        _modify { yield &unique().variables }
    }

    var visits: [String: Int] {
        get { fields.visits }
        _modify { yield &unique().visits }
    }

    var retryAttempts: [Int] {
        get { fields.retryAttempts }
        _modify { yield &unique().retryAttempts }
    }

    var enteredAt: Date {
        get { fields.enteredAt }
        _modify { yield &unique().enteredAt }
    }

    var enteredEventID: Int {
        get { fields.enteredEventID }
        _modify { yield &unique().enteredEventID }
    }

    /// The input after InputPath, kept for retries and waits.
    var effectiveInput: JSON {
        get { fields.effectiveInput }
        _modify { yield &unique().effectiveInput }
    }

    var waiting: Waiting? {
        get { fields.waiting }
        _modify { yield &unique().waiting }
    }
}
