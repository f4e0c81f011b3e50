using Marten;

namespace TokenLedger.Invoicing.CreditNotes;

/// <summary>
/// Gap-free note numbers per issuer, kind and year: <c>CN-{yyyy}-{000001}</c> for credit notes, <c>DN-{yyyy}-{000001}</c>
/// for debit notes. Same counter table and transaction rule as <see cref="InvoiceNumbers"/>: the number is taken in the
/// transaction that appends the note, so a refused or rolled-back note gives it back.
/// </summary>
public static class CreditNoteNumbers
{
    public static string Series(string issuerId, string kind) => $"{issuerId}:{kind}-notes";

    public static string Format(string kind, int year, long sequence) => $"{(kind == CreditNoteKinds.Debit ? "DN" : "CN")}-{year:0000}-{sequence:000000}";

    public static async Task<string> NextAsync(IDocumentSession session, string issuerId, string kind, int year, CancellationToken ct) =>
        Format(kind, year, await InvoiceNumbers.NextSequenceAsync(session, Series(issuerId, kind), year, ct));
}
