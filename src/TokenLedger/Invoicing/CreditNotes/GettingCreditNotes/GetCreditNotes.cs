using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing.GettingInvoices;
using TokenLedger.Invoicing.Rendering;

namespace TokenLedger.Invoicing.CreditNotes.GettingCreditNotes;

/// <summary>Credit and debit notes as JSON and PDF. A tenant key sees its own tenant's notes only; any other is "not found".</summary>
public static class GetCreditNotes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/invoices/{invoiceId}/credit-notes", List).Produces<IReadOnlyList<CreditNoteResponse>>().WithTags("Invoices")
            .WithSummary("The credit and debit notes that correct an invoice, oldest number first");
        app.MapGet("/api/credit-notes/{noteId}", Get).Produces<CreditNoteResponse>().WithTags("Invoices")
            .WithSummary("A credit or debit note by its number, e.g. CN-2026-000001");
        app.MapGet("/api/credit-notes/{noteId}/pdf", Pdf).Produces(StatusCodes.Status200OK, contentType: "application/pdf").WithTags("Invoices")
            .WithSummary("The note as a PDF, referring to the invoice it corrects (rendered on request; always the same bytes)");
    }

    public static async Task<IResult> List(string invoiceId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        if (await GetInvoices.FindAsync(invoiceId, user, session, ct) is not { } invoice) return GetInvoices.NotFound(invoiceId);
        var notes = await session.Query<CreditNote>().Where(n => n.InvoiceNumber == invoice.Number).ToListAsync(ct);
        return Results.Ok(notes.OrderBy(n => n.IssuedAt).ThenBy(n => n.Id, StringComparer.Ordinal).Select(CreditNoteResponse.From).ToList());
    }

    public static async Task<IResult> Get(string noteId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct) =>
        await FindAsync(noteId, user, session, ct) is { } note ? Results.Ok(CreditNoteResponse.From(note)) : NotFound(noteId);

    public static async Task<IResult> Pdf(string noteId, ClaimsPrincipal user, IQuerySession session, InvoicePdfRenderer renderer, CancellationToken ct)
    {
        if (await FindAsync(noteId, user, session, ct) is not { } note) return NotFound(noteId);
        var invoice = await session.Query<Invoice>().FirstAsync(i => i.Number == note.InvoiceNumber, ct);
        return Results.File(renderer.Render(CreditNoteDocuments.From(note, invoice)), "application/pdf", $"{note.Id}.pdf");
    }

    private static async Task<CreditNote?> FindAsync(string noteId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<CreditNote>(noteId, ct) is { } note && user.MayReadTenant(note.TenantId) ? note : null;

    private static IResult NotFound(string noteId) => Problems.NotFound($"Credit note '{noteId}' was not found");
}
