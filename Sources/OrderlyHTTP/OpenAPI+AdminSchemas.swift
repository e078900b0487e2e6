extension OpenAPISchemas {
    /// Administration: order moves, reports, the event log and dead letters.
    static let admin: [String: String] = [
        "StopExecutionRequest": #"""
        {"type":"object","additionalProperties":false,
         "properties":{"error":\#(SchemaRule.text(0, 256)),"cause":\#(SchemaRule.text(0, 32768, newlines: true))}}
        """#,
        "TaskTokenSuccessRequest": #"""
        {"type":"object","required":["taskToken","output"],"additionalProperties":false,
         "properties":{"taskToken":\#(SchemaRule.text(1, 1024)),"output":{"type":"string","maxLength":262144,
           "description":"The task's output, as JSON text (as in SendTaskSuccess)."}}}
        """#,
        "TaskTokenFailureRequest": #"""
        {"type":"object","required":["taskToken"],"additionalProperties":false,
         "properties":{"taskToken":\#(SchemaRule.text(1, 1024)),"error":\#(SchemaRule.text(0, 256)),
           "cause":\#(SchemaRule.text(0, 32768, newlines: true))}}
        """#,
        "TaskTokenHeartbeatRequest": #"""
        {"type":"object","required":["taskToken"],"additionalProperties":false,
         "properties":{"taskToken":\#(SchemaRule.text(1, 1024))}}
        """#,
        "TaskAnswerAccepted": #"""
        {"type":"object","required":["status"],"properties":{"status":{"type":"string","enum":["accepted"]}}}
        """#,
        "AdminOrderPatchRequest": #"""
        {"type":"object","required":["status"],"additionalProperties":false,
         "properties":{"status":{"type":"string","enum":["PACKED","CANCELLED","RETURNED"]},"note":\#(SchemaRule.text(0, 200))}}
        """#,
        "SalesReport": #"""
        {"type":"object","required":["from","to","orders","revenue","refunded","byDay","topProducts"],
         "properties":{"from":{"type":"string"},"to":{"type":"string"},"orders":{"type":"integer"},
           "revenue":{"$ref":"#/components/schemas/Money"},"refunded":{"$ref":"#/components/schemas/Money"},
           "byDay":{"type":"array","items":{"type":"object","properties":{"date":{"type":"string"},"orders":{"type":"integer"},
             "revenue":{"$ref":"#/components/schemas/Money"},"refunded":{"$ref":"#/components/schemas/Money"}}}},
           "topProducts":{"type":"array","items":{"type":"object","properties":{"productId":{"type":"string"},"name":{"type":"string"},
             "quantity":{"type":"integer"},"revenue":{"$ref":"#/components/schemas/Money"}}}}}}
        """#,
        "Event": #"""
        {"type":"object","required":["id","source","detail-type","time","detail"],
         "properties":{"id":{"type":"string"},"source":{"type":"string"},"detail-type":{"type":"string"},
           "time":{"type":"string","format":"date-time"},"detail":{"type":"object"}}}
        """#,
        "EventList": #"""
        {"type":"object","required":["items","nextCursor"],
         "properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/Event"}},"nextCursor":{"type":["string","null"]}}}
        """#,
        "DeadLetter": #"""
        {"type":"object","required":["deadLetterId","consumer","event","error","attempts","createdAt"],
         "properties":{"deadLetterId":{"type":"string"},"consumer":{"type":"string"},"event":{"$ref":"#/components/schemas/Event"},
           "error":{"type":"string"},"attempts":{"type":"integer"},"createdAt":{"type":"string","format":"date-time"}}}
        """#,
        "DeadLetterList": #"""
        {"type":"object","required":["items","nextCursor"],
         "properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/DeadLetter"}},"nextCursor":{"type":["string","null"]}}}
        """#,
    ]
}
