extension OpenAPISchemas {
    /// Orders, payments, notifications and workflows.
    static let orders: [String: String] = [
        "PaymentMethod": #"""
        {"oneOf": [
          {"type":"object","required":["type","token"],"additionalProperties":false,
           "properties":{"type":{"const":"card"},"token":{"type":"string","maxLength":255,"pattern":"^tok_[A-Za-z0-9_]+$"}}},
          {"type":"object","required":["type","vpa"],"additionalProperties":false,
           "properties":{"type":{"const":"upi"},
             "vpa":{"type":"string","maxLength":100,"pattern":"^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+$"}}},
          {"type":"object","required":["type"],"additionalProperties":false,"properties":{"type":{"const":"cash"}}}]}
        """#,
        "CheckoutRequest": #"""
        {"type":"object","required":["paymentMethod"],"additionalProperties":false,
         "properties":{"paymentMethod":{"$ref":"#/components/schemas/PaymentMethod"},
                       "deliverySlot":{"type":"string","description":"RFC 3339 time or interval start/end"},
                       "address":{"$ref":"#/components/schemas/Address"}}}
        """#,
        "PlaceOrderRequest": #"""
        {"type":"object","required":["items","paymentMethod"],"additionalProperties":false,
         "properties":{"items":{"type":"array","minItems":1,"maxItems":50,"items":{"$ref":"#/components/schemas/AddCartItemRequest"}},
                       "paymentMethod":{"$ref":"#/components/schemas/PaymentMethod"},
                       "deliverySlot":{"type":"string"},"address":{"$ref":"#/components/schemas/Address"}}}
        """#,
        "CancelRequest": #"""
        {"type":"object","additionalProperties":false,"properties":{"reason":\#(SchemaRule.text(0, 200))}}
        """#,
        "RefundRequest": #"""
        {"type":"object","required":["reason"],"additionalProperties":false,
         "properties":{"amount":{"$ref":"#/components/schemas/RefundAmount"},"reason":\#(SchemaRule.text(1, 200))}}
        """#,
        "TimelineEntry": #"""
        {"type":"object","required":["status","at","note"],
         "properties":{"status":{"type":"string"},"at":{"type":"string","format":"date-time"},"note":{"type":["string","null"]}}}
        """#,
        "Order": #"""
        {"type":"object",
         "required":["orderId","userId","items","total","status","paymentStatus","deliverySlot","address","subscriptionId",
                     "executionId","failureReason","timeline","createdAt","updatedAt"],
         "properties":{"orderId":{"type":"string"},"userId":{"type":"string"},
           "items":{"type":"array","items":{"$ref":"#/components/schemas/Line"}},"total":{"$ref":"#/components/schemas/Money"},
           "status":{"type":"string","enum":["CREATED","CONFIRMED","PACKED","OUT_FOR_DELIVERY","DELIVERED","CANCELLED","RETURNED"]},
           "paymentStatus":{"type":"string","enum":["PENDING","SUCCESS","FAILED","REFUNDED","PARTIALLY_REFUNDED"]},
           "paymentMethod":{"type":"object","properties":{"type":{"type":"string"},"vpa":{"type":["string","null"]}}},
           "deliverySlot":{"type":["string","null"]},
           "address":{"oneOf":[{"$ref":"#/components/schemas/Address"},{"type":"null"}]},
           "subscriptionId":{"type":["string","null"]},"executionId":{"type":["string","null"]},
           "failureReason":{"type":["string","null"]},
           "timeline":{"type":"array","items":{"$ref":"#/components/schemas/TimelineEntry"}},
           "createdAt":{"type":"string","format":"date-time"},"updatedAt":{"type":"string","format":"date-time"}}}
        """#,
        "OrderList": #"""
        {"type":"object","required":["items","nextCursor"],
         "properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/Order"}},"nextCursor":{"type":["string","null"]}}}
        """#,
        "Refund": #"""
        {"type":"object","required":["refundId","orderId","amount","reason","createdAt"],
         "properties":{"refundId":{"type":"string"},"orderId":{"type":"string"},"amount":{"$ref":"#/components/schemas/Money"},
                       "reason":{"type":"string"},"createdAt":{"type":"string","format":"date-time"}}}
        """#,
        "Payment": #"""
        {"type":"object","required":["paymentId","orderId","amount","method","status","transactionId","refunds","createdAt","updatedAt"],
         "properties":{"paymentId":{"type":"string"},"orderId":{"type":"string"},"amount":{"$ref":"#/components/schemas/Money"},
           "method":{"type":"object","properties":{"type":{"type":"string"},"vpa":{"type":["string","null"]}}},
           "status":{"type":"string","enum":["PENDING","SUCCESS","FAILED","REFUNDED","PARTIALLY_REFUNDED"]},
           "transactionId":{"type":["string","null"]},"refunds":{"type":"array","items":{"$ref":"#/components/schemas/Refund"}},
           "createdAt":{"type":"string","format":"date-time"},"updatedAt":{"type":"string","format":"date-time"}}}
        """#,
        "PaymentList": #"""
        {"type":"object","required":["items","nextCursor"],
         "properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/Payment"}},"nextCursor":{"type":["string","null"]}}}
        """#,
        "GatewayEvent": #"""
        {"type":"object","required":["id","type"],
         "properties":{"id":{"type":"string"},"type":{"type":"string","examples":["charge.refunded","charge.succeeded","charge.failed"]},
                       "data":{"type":"object","properties":{"orderId":{"type":"string"},"amount":{"type":"integer"},
                         "refundId":{"type":"string"},"transactionId":{"type":"string"}}}}}
        """#,
        "WebhookReceipt": #"""
        {"type":"object","required":["received","duplicate"],"properties":{"received":{"type":"boolean"},"duplicate":{"type":"boolean"}}}
        """#,
        "Notification": #"""
        {"type":"object","required":["notificationId","type","channel","subject","message","status","createdAt"],
         "properties":{"notificationId":{"type":"string"},"type":{"type":"string"},"channel":{"type":"string"},
           "subject":{"type":"string"},"message":{"type":"string"},
           "status":{"type":"string","enum":["QUEUED","SENT"],
             "description":"QUEUED: recorded, its mail not sent yet (the embedded server's relay sends it shortly); SENT"},
           "createdAt":{"type":"string","format":"date-time"}}}
        """#,
        "NotificationList": #"""
        {"type":"object","required":["items","nextCursor"],
         "properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/Notification"}},"nextCursor":{"type":["string","null"]}}}
        """#,
        "Execution": #"""
        {"type":"object","required":["executionId","name","stateMachine","status","input","output","error","cause","startedAt","history"],
         "properties":{"executionId":{"type":"string"},"name":{"type":"string"},"stateMachine":{"type":"string"},
           "status":{"type":"string","enum":["RUNNING","SUCCEEDED","FAILED","TIMED_OUT","ABORTED"]},
           "input":{},"output":{},"error":{"type":["string","null"]},"cause":{"type":["string","null"]},
           "startedAt":{"type":"string","format":"date-time"},
           "history":{"type":"array","items":{"type":"object","required":["id","previousEventId","timestamp","type","details"],
             "properties":{"id":{"type":"integer"},"previousEventId":{"type":"integer"},
               "timestamp":{"type":"string","format":"date-time"},"type":{"type":"string"},"details":{"type":"object"}}}}}}
        """#,
        "ExecutionList": #"""
        {"type":"object","required":["items","nextCursor"],
         "properties":{"items":{"type":"array","items":{"type":"object",
           "required":["executionId","name","stateMachine","status","input","output","error","cause","startedAt"],
           "properties":{"executionId":{"type":"string"},"name":{"type":"string"},"stateMachine":{"type":"string"},
             "status":{"type":"string","enum":["RUNNING","SUCCEEDED","FAILED","TIMED_OUT","ABORTED"]},
             "input":{},"output":{},"error":{"type":["string","null"]},"cause":{"type":["string","null"]},
             "startedAt":{"type":"string","format":"date-time"}}}},
           "nextCursor":{"type":["string","null"]}}}
        """#,
        "WorkflowList": #"""
        {"type":"object","required":["items"],
         "properties":{"items":{"type":"array","items":{"type":"object","required":["name","queryLanguage","definition"],
           "properties":{"name":{"type":"string"},"queryLanguage":{"type":"string"},"definition":{"type":"object"}}}}}}
        """#,
    ]
}
