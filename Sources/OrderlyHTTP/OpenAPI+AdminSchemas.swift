extension OpenAPISchemas {
    /// Administration: order moves, reports, the event log and dead letters.
    static let admin: [String: String] = [
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
