extension OpenAPISchemas {
    /// Deliveries and subscriptions.
    static let fulfilment: [String: String] = [
        "AssignDeliveryRequest": #"""
        {"type":"object","required":["orderId"],"additionalProperties":false,
         "properties":{"orderId":{"type":"string","minLength":1,"maxLength":200},
                       "courierId":{"type":"string","minLength":1,"maxLength":200}}}
        """#,
        "MoveDeliveryRequest": #"""
        {"type":"object","required":["status"],"additionalProperties":false,
         "properties":{"status":{"type":"string","enum":["PICKED_UP","IN_TRANSIT","DELIVERED","FAILED","CANCELLED"]},
                       "note":\#(SchemaRule.text(0, 500))}}
        """#,
        "Delivery": #"""
        {"type":"object","required":["deliveryId","orderId","userId","courierId","deliverySlot","status","trackingUrl","history","createdAt","updatedAt"],
         "properties":{"deliveryId":{"type":"string"},"orderId":{"type":"string"},"userId":{"type":"string"},
           "courierId":{"type":["string","null"]},"deliverySlot":{"type":["string","null"]},
           "status":{"type":"string","enum":["ASSIGNED","PICKED_UP","IN_TRANSIT","DELIVERED","FAILED","CANCELLED"]},
           "trackingUrl":{"type":"string"},"history":{"type":"array","items":{"$ref":"#/components/schemas/TimelineEntry"}},
           "createdAt":{"type":"string","format":"date-time"},"updatedAt":{"type":"string","format":"date-time"}}}
        """#,
        "DeliveryList": #"""
        {"type":"object","required":["items","nextCursor"],
         "properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/Delivery"}},"nextCursor":{"type":["string","null"]}}}
        """#,
        "CreateSubscriptionRequest": #"""
        {"type":"object","required":["productId","quantity","frequency","startDate","deliveryTime","paymentMethod"],"additionalProperties":false,
         "properties":{"productId":{"type":"string","minLength":1,"maxLength":200},
           "quantity":{"type":"integer","minimum":1,"maximum":99},
           "frequency":{"type":"string","enum":["DAILY","WEEKLY"]},"startDate":\#(SchemaRule.date),
           "endDate":\#(SchemaRule.date),"deliveryTime":{"type":"string","pattern":"^([01][0-9]|2[0-3]):[0-5][0-9]$"},
           "paymentMethod":{"$ref":"#/components/schemas/PaymentMethod"},"address":{"$ref":"#/components/schemas/Address"}}}
        """#,
        "Subscription": #"""
        {"type":"object","required":["subscriptionId","userId","productId","quantity","frequency","startDate","endDate","deliveryTime","status","nextRunAt","createdAt","updatedAt"],
         "properties":{"subscriptionId":{"type":"string"},"userId":{"type":"string"},"productId":{"type":"string"},
           "quantity":{"type":"integer"},"frequency":{"type":"string","enum":["DAILY","WEEKLY"]},"startDate":{"type":"string"},
           "endDate":{"type":["string","null"]},"deliveryTime":{"type":"string"},
           "status":{"type":"string","enum":["ACTIVE","PAUSED","CANCELLED"]},"nextRunAt":{"type":["string","null"],"format":"date-time"},
           "orders":{"type":"array","items":{"$ref":"#/components/schemas/Order"}},
           "createdAt":{"type":"string","format":"date-time"},"updatedAt":{"type":"string","format":"date-time"}}}
        """#,
        "SubscriptionList": #"""
        {"type":"object","required":["items","nextCursor"],
         "properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/Subscription"}},"nextCursor":{"type":["string","null"]}}}
        """#,
    ]
}
