using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using Npgsql;
using System.Security.Claims;
using TokenLedger.Infrastructure;
using TokenLedger.Usage.Facts;

namespace TokenLedger.Invoicing.GettingInvoices;

/// <summary>The events the line billed: InvoicedEvents as counted at the close, TotalEvents as recorded in invoiced_usage (always equal).</summary>
public sealed record LineEventsResponse(
    string InvoiceId, int Line, string Model, string TokenClass, int Page, int PageSize, long InvoicedEvents, long TotalEvents, IReadOnlyList<LineEvent> Events);

/// <summary>Drill-down: the usage events behind a usage line, ordered by event id, with their tokens and unrounded amounts of the line's class.</summary>
public static class GetLineEvents
{
    private static async Task<string> ZoneAsync(string tenantId, IQuerySession session, CancellationToken ct) =>
        (await session.LoadAsync<Tenants.Tenant>(Tenants.TenantStreams.For(tenantId), ct))?.TimeZone ?? Tenants.Tenant.DefaultTimeZone;

    public const int MaxPageSize = 1000;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/invoices/{invoiceId}/lines/{line:int}/events", Handle).Produces<LineEventsResponse>().WithTags("Invoices")
            .WithSummary("The usage event ids behind a usage line, paged (page from 1, pageSize up to 1000, default 100)");

    public static async Task<IResult> Handle(
        string invoiceId, int line, int? page, int? pageSize, ClaimsPrincipal user, IQuerySession session, NpgsqlDataSource db, CancellationToken ct)
    {
        if (page is < 1) return Problems.BadRequest("page", "page starts at 1");
        if (pageSize is < 1 or > MaxPageSize) return Problems.BadRequest("pageSize", $"pageSize must be 1 to {MaxPageSize}");
        var invoice = await GetInvoices.FindAsync(invoiceId, user, session, ct);
        if (invoice is null) return GetInvoices.NotFound(invoiceId);
        var item = invoice.Lines.FirstOrDefault(l => l.Number == line);
        if (item is null) return Problems.NotFound($"Invoice '{invoiceId}' has no line {line}");
        if (item.Usage is not { } key) return Problems.BadRequest("line", $"line {line} is a {item.Kind} line, not usage");
        var (p, size) = (page ?? 1, pageSize ?? 100);
        var (total, events) = await InvoiceUsage.EventsAsync(
            db, session.DocumentStore.Options.DatabaseSchemaName, invoice.Id, invoice.PeriodStart, await ZoneAsync(invoice.TenantId, session, ct), key, p, size, ct);
        return Results.Ok(new LineEventsResponse(invoice.Number, line, key.Model, key.TokenClass, p, size, item.Events ?? 0, total, events));
    }
}
