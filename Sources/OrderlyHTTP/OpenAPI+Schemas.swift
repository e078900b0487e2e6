import OrderlyModel

/// The JSON Schemas of the request and response bodies, by component name. Paths come from the route table.
enum OpenAPISchemas {
    /// Every schema, with request amounts in the store `currency`.
    static func all(currency: Currency) -> [String: String] {
        [core, orders, fulfilment, admin, amounts(currency)].reduce(into: [:]) { all, part in
            all.merge(part) { first, _ in first }
        }
    }

    /// Amounts a client sends: in the store currency; a price may be 0, a refund not.
    static func amounts(_ currency: Currency) -> [String: String] {
        let maximum = Money.maximumAmount
        return [
            "Price": #"""
            {"type":"object","required":["amount","currency"],"additionalProperties":false,
             "properties":{"amount":{"type":"integer","minimum":0,"maximum":\#(ProductRules.maximumPrice)},
                           "currency":{"const":"\#(currency.rawValue)"}}}
            """#,
            "RefundAmount": #"""
            {"type":"object","required":["amount","currency"],"additionalProperties":false,
             "properties":{"amount":{"type":"integer","minimum":1,"maximum":\#(maximum)},
                           "currency":{"const":"\#(currency.rawValue)"}}}
            """#,
        ]
    }

    static let core: [String: String] = [
        "Money": #"""
        {"type":"object","required":["amount","currency"],"additionalProperties":false,
         "properties":{"amount":{"type":"integer","description":"integer minor units (cents)"},
                       "currency":{"type":"string","pattern":"^[A-Z]{3}$"}}}
        """#,
        "Address": #"""
        {"type":"object","required":["line1","city","postalCode","country"],"additionalProperties":false,
         "properties":{"line1":\#(SchemaRule.text(1, 200)),"line2":\#(SchemaRule.text(0, 200)),
                       "city":\#(SchemaRule.text(1, 100)),"postalCode":\#(SchemaRule.text(1, 20)),
                       "country":\#(SchemaRule.country)}}
        """#,
        "Role": #"{"type":"string","enum":["customer","courier","admin"]}"#,
        "RegisterRequest": #"""
        {"type":"object","required":["email","password","name"],"additionalProperties":false,
         "properties":{"email":\#(SchemaRule.email),"password":\#(SchemaRule.password),
                       "name":\#(SchemaRule.text(1, 100)),"phone":\#(SchemaRule.phone),
                       "address":{"$ref":"#/components/schemas/Address"}}}
        """#,
        "AdminCreateUserRequest": #"""
        {"type":"object","required":["email","password","name","role"],"additionalProperties":false,
         "properties":{"email":\#(SchemaRule.email),"password":\#(SchemaRule.password),
                       "name":\#(SchemaRule.text(1, 100)),"role":{"$ref":"#/components/schemas/Role"},
                       "phone":\#(SchemaRule.phone),"address":{"$ref":"#/components/schemas/Address"}}}
        """#,
        "LoginRequest": #"""
        {"type":"object","required":["email","password"],"additionalProperties":false,
         "properties":{"email":\#(SchemaRule.email),"password":{"type":"string","maxLength":1024}}}
        """#,
        "ProfilePatchRequest": #"""
        {"type":"object","additionalProperties":false,
         "properties":{"name":\#(SchemaRule.text(1, 100)),
                       "phone":{"oneOf":[\#(SchemaRule.phone),{"type":"null"}]},
                       "address":{"oneOf":[{"$ref":"#/components/schemas/Address"},{"type":"null"}]},
                       "password":\#(SchemaRule.password),"currentPassword":{"type":"string","maxLength":1024}},
         "dependentRequired":{"password":["currentPassword"]}}
        """#,
        "UserCreated": #"""
        {"type":"object","required":["userId","email","name","role","createdAt"],
         "properties":{"userId":{"type":"string"},"email":{"type":"string"},"name":{"type":"string"},
                       "role":{"$ref":"#/components/schemas/Role"},"createdAt":{"type":"string","format":"date-time"}}}
        """#,
        "Profile": #"""
        {"type":"object","required":["userId","email","name","phone","address","role","createdAt","updatedAt"],
         "properties":{"userId":{"type":"string"},"email":{"type":"string"},"name":{"type":"string"},
                       "phone":{"type":["string","null"]},
                       "address":{"oneOf":[{"$ref":"#/components/schemas/Address"},{"type":"null"}]},
                       "role":{"$ref":"#/components/schemas/Role"},"createdAt":{"type":"string","format":"date-time"},
                       "updatedAt":{"type":"string","format":"date-time"}}}
        """#,
        "Token": #"""
        {"type":"object","required":["token","userId","role","expiresAt"],
         "properties":{"token":{"type":"string"},"userId":{"type":"string"},"role":{"$ref":"#/components/schemas/Role"},
                       "expiresAt":{"type":"string","format":"date-time"}}}
        """#,
        "CreateProductRequest": #"""
        {"type":"object","required":["name","price","category","stock"],"additionalProperties":false,
         "properties":{"name":\#(SchemaRule.text(1, 200)),"description":\#(SchemaRule.text(0, 5000, newlines: true)),
                       "price":{"$ref":"#/components/schemas/Price"},"category":\#(SchemaRule.category),
                       "stock":{"type":"integer","minimum":0,"maximum":1000000000}}}
        """#,
        "ProductPatchRequest": #"""
        {"type":"object","additionalProperties":false,
         "properties":{"name":\#(SchemaRule.text(1, 200)),"description":\#(SchemaRule.text(0, 5000, newlines: true)),
                       "price":{"$ref":"#/components/schemas/Price"},"category":\#(SchemaRule.category),
                       "active":{"type":"boolean"}}}
        """#,
        "InventoryAdjustmentRequest": #"""
        {"type":"object","required":["delta","reason"],"additionalProperties":false,
         "properties":{"delta":{"type":"integer","minimum":-1000000,"maximum":1000000,"not":{"const":0}},
                       "reason":\#(SchemaRule.text(1, 200))}}
        """#,
        "StockLevel": #"""
        {"type":"object","required":["available","reserved"],
         "properties":{"available":{"type":"integer","minimum":0},"reserved":{"type":"integer","minimum":0}}}
        """#,
        "Stock": #"""
        {"type":"object","required":["productId","available","reserved"],
         "properties":{"productId":{"type":"string"},"available":{"type":"integer"},"reserved":{"type":"integer"}}}
        """#,
        "Product": #"""
        {"type":"object",
         "required":["productId","name","description","price","category","active","stock","createdAt","updatedAt"],
         "properties":{"productId":{"type":"string"},"name":{"type":"string"},"description":{"type":"string"},
                       "price":{"$ref":"#/components/schemas/Money"},"category":{"type":"string"},"active":{"type":"boolean"},
                       "stock":{"$ref":"#/components/schemas/StockLevel"},"createdAt":{"type":"string","format":"date-time"},
                       "updatedAt":{"type":"string","format":"date-time"}}}
        """#,
        "ProductList": #"""
        {"type":"object","required":["items","nextCursor"],
         "properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/Product"}},
                       "nextCursor":{"type":["string","null"]}}}
        """#,
        "AddCartItemRequest": #"""
        {"type":"object","required":["productId","quantity"],"additionalProperties":false,
         "properties":{"productId":{"type":"string","minLength":1,"maxLength":200},
                       "quantity":{"type":"integer","minimum":1,"maximum":99}}}
        """#,
        "SetCartItemRequest": #"""
        {"type":"object","required":["quantity"],"additionalProperties":false,
         "properties":{"quantity":{"type":"integer","minimum":0,"maximum":99}}}
        """#,
        "Line": #"""
        {"type":"object","required":["productId","name","unitPrice","quantity","lineTotal"],
         "properties":{"productId":{"type":"string"},"name":{"type":"string"},"unitPrice":{"$ref":"#/components/schemas/Money"},
                       "quantity":{"type":"integer"},"lineTotal":{"$ref":"#/components/schemas/Money"}}}
        """#,
        "Cart": #"""
        {"type":"object","required":["cartId","userId","items","total","updatedAt"],
         "properties":{"cartId":{"type":"string"},"userId":{"type":"string"},
                       "items":{"type":"array","items":{"$ref":"#/components/schemas/Line"}},
                       "total":{"$ref":"#/components/schemas/Money"},"updatedAt":{"type":"string","format":"date-time"}}}
        """#,
        "Problem": #"""
        {"type":"object","required":["type","title","status","detail","code","errors"],
         "properties":{"type":{"type":"string"},"title":{"type":"string"},"status":{"type":"integer"},
                       "detail":{"type":"string"},"code":{"type":"string"},"requestId":{"type":"string"},
                       "errors":{"type":"array","items":{"type":"object","required":["field","message"],
                         "properties":{"field":{"type":"string"},"message":{"type":"string"}}}}}}
        """#,
        "Document": #"{"type":"object","description":"this OpenAPI document"}"#,
        "Health": #"""
        {"type":"object","required":["status"],"properties":{"status":{"type":"string"}}}
        """#,
    ]
}
