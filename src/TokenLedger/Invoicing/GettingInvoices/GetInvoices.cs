using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Security.Claims;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing.Rendering;
using TokenLedger.Tenants;

namespace TokenLedger.Invoicing.GettingInvoices;

/// <summary>Issued invoices as JSON and PDF. A tenant key sees its own tenant's invoices only; any other is "not found".</summary>
public static class GetInvoices
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenants/{tenantId}/invoices", List).Produces<IReadOnlyList<InvoiceSummaryResponse>>().WithTags("Invoices")
            .WithSummary("The tenant's issued invoices, oldest first");
        app.MapGet("/api/invoices/{invoiceId}", Get).Produces<InvoiceResponse>().WithTags("Invoices")
            .WithSummary("An issued invoice by its number, e.g. TL-2026-000001");
        app.MapGet("/api/invoices/{invoiceId}/pdf", Pdf).Produces(StatusCodes.Status200OK, contentType: "application/pdf").WithTags("Invoices")
            .WithSummary("The invoice as a PDF: rendered on the first request, then served as stored (an issued invoice never changes)");
    }

    public static async Task<IResult> List(string tenantId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        if (!user.MayReadTenant(tenantId) || await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct) is null)
            return Problems.NotFound($"Tenant '{tenantId}' was not found");
        var invoices = await session.Query<Invoice>().Where(i => i.TenantId == tenantId).OrderBy(i => i.Number).ToListAsync(ct);
        return Results.Ok(invoices.Select(InvoiceSummaryResponse.From).ToList());
    }

    public static async Task<IResult> Get(string invoiceId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct) =>
        await FindAsync(invoiceId, user, session, ct) is { } invoice ? Results.Ok(InvoiceResponse.From(invoice)) : NotFound(invoiceId);

    public static async Task<IResult> Pdf(string invoiceId, ClaimsPrincipal user, IQuerySession session, RenderedInvoices pdfs, CancellationToken ct) =>
        await FindAsync(invoiceId, user, session, ct) is { } invoice
            ? Results.File(await pdfs.PdfAsync(invoice, ct), "application/pdf", $"{invoice.Number}.pdf")
            : NotFound(invoiceId);

    public static async Task<Invoice?> FindAsync(string invoiceId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        var invoice = await session.Query<Invoice>().FirstOrDefaultAsync(i => i.Number == invoiceId, ct);
        return invoice is not null && user.MayReadTenant(invoice.TenantId) ? invoice : null;
    }

    public static IResult NotFound(string invoiceId) => Problems.NotFound($"Invoice '{invoiceId}' was not found");
}
