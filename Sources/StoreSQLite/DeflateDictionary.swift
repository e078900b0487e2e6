import CZlib
import Foundation

/// Text that Orderly's deflated records commonly hold, given to zlib before each record (a preset dictionary): a
/// record of a kilobyte or two shares little with itself, but much with every other record of its kind — a
/// checkout's journal names the same states and keys as the last one, a receipt is the same page with other
/// figures. With it a finished checkout's journal takes about 200 bytes instead of 530, an order's stored answer
/// about 130 instead of 400, a receipt about 95 instead of 340.
///
/// A deflated record names its dictionary by the dictionary's Adler-32 (zlib's own header), and inflating finds it
/// among ``known``. So a dictionary's text never changes once records have been written with it: a better one is
/// added beside it (and made ``current``), and the old one stays known for the records written with it. A test holds
/// each shipped dictionary's length and checksum.
struct DeflateDictionary: Sendable {
    let bytes: [UInt8]
    /// zlib's id of the dictionary: its Adler-32.
    let id: UInt32

    init(_ text: String) {
        bytes = Array(text.utf8)
        id = bytes.withUnsafeBufferPointer { UInt32(adler32(adler32(0, nil, 0), $0.baseAddress, uInt($0.count))) }
    }

    /// The dictionary new records are written with.
    static let current = first

    /// Every dictionary a stored record may name, by id.
    static let known: [UInt32: DeflateDictionary] = [first.id: first]

    /// Written 2026-12-05. Rarer text first, commonest last (zlib finds nearer matches with shorter codes): the
    /// failure paths, a receipt, an order's answer, a checkout's output and its journal.
    static let first = DeflateDictionary(
        #"""
        {"type":"taskFailed","at":1796500000000,"token":"0.ProcessPayment.1.0","error":"PaymentDeclined","cause":"The \#
        card was declined."}{"type":"timerFired","at":1796500000000,"id":"0.ProcessPayment.1.1"}"status":"CANCELLED",\#
        "failureReason":"OUT_OF_STOCK","error":"States.TaskFailed","refund":{"refunded":true},"released":true,\#
        "ReleaseInventoryAfterDecline""RefundPayment""CancelOutOfStock""CancelInvalidOrder"{"type":"about:blank",\#
        "title":"Not Found","status":404,"code":"not_found","detail":"
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Receipt ord_01</title></head>
        <body>
        <h1>Receipt</h1>
        <p>Order <strong>ord_01</strong>, placed 2026-01-01T00:00:00Z</p>
        <table>
        <tr><th>Item</th><th>Quantity</th><th>Unit price</th><th>Total</th></tr>
        <tr><td>Whole milk 1 l</td><td>1</td><td>USD 1.29</td><td>USD 1.29</td></tr>
        <tr><td colspan="3"><strong>Total</strong></td><td><strong>USD 1.29</strong></td></tr>
        </table>
        <p>Paid by: Card (transaction txn_01)</p>
        </body></html>
        {"address":null,"createdAt":"2026-01-01T00:00:00Z","deliverySlot":null,"executionId":"arn:aws:states:local:\#
        000000000000:execution:checkout:ord_01","failureReason":null,"items":[{"lineTotal":{"amount":129,"currency":\#
        "USD"},"name":"Whole milk 1 l","productId":"prd_01","quantity":1,"unitPrice":{"amount":129,"currency":"USD"}}]\#
        ,"orderId":"ord_01","paymentMethod":{"type":"card"},"paymentStatus":"SUCCESS","status":"CONFIRMED",\#
        "subscriptionId":null,"timeline":[{"at":"2026-01-01T00:00:00Z","note":null,"status":"CREATED"},{"at":\#
        "2026-01-01T00:00:00Z","note":null,"status":"CONFIRMED"}],"total":{"amount":129,"currency":"USD"},\#
        "updatedAt":"2026-01-01T00:00:00Z","userId":"usr_01"}{"orderId":"ord_01","validation":{"orderId":"ord_01",\#
        "total":129,"lines":1},"reservation":{"reserved":true,"reservationId":"rsv_01","expiresAt":\#
        "2026-01-01T00:00:00Z"},"payment":{"paymentId":"pay_01","status":"SUCCESS","transactionId":"txn_01"},\#
        "commit":{"committed":true,"reservationId":"rsv_01"},"confirmation":{"status":"CONFIRMED"}}[{"type":\#
        "started","at":1796500000000,"input":{"orderId":"ord_01"}},{"type":"taskSucceeded","at":1796500000000,\#
        "token":"0.ValidateOrder.1.0","output":{"orderId":"ord_01","total":129,"lines":1}},{"type":"taskSucceeded",\#
        "at":1796500000000,"token":"0.ReserveInventory.1.0","output":{"reserved":true,"reservationId":"rsv_01",\#
        "expiresAt":"2026-01-01T00:00:00Z"}},{"type":"taskSucceeded","at":1796500000000,"token":\#
        "0.ProcessPayment.1.0","output":{"paymentId":"pay_01","status":"SUCCESS","transactionId":"txn_01"}},{"type":\#
        "taskSucceeded","at":1796500000000,"token":"0.CommitInventory.1.0","output":{"committed":true,\#
        "reservationId":"rsv_01"}},{"type":"taskSucceeded","at":1796500000000,"token":"0.ConfirmOrder.1.0","output":\#
        {"status":"CONFIRMED"}},{"type":"taskSucceeded","at":1796500000000,"token":"2.GenerateReceipt.1.0","output":\#
        {"receiptKey":"receipts/ord_01.html"}},{"type":"taskSucceeded","at":1796500000000,"token":\#
        "1.SendNotification.1.0","output":{"MessageId":"arn:aws:states:local:000000000000:execution:checkout:ord_01\#
        /NotifyAndReceipt[0]/SendNotification"}},{"type":"taskSucceeded","at":1796500000000,"token":\#
        "0.PublishOrderCompleted.1.0","output":{"Entries":[{"EventId":"evt_01"}],"FailedEntryCount":0}}]
        """#)
}
