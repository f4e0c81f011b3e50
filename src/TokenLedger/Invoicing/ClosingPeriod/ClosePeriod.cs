using FluentValidation;
using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
using TokenLedger.Access;
using TokenLedger.Balances;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing.GettingInvoices;
using TokenLedger.Tenants;

namespace TokenLedger.Invoicing.ClosingPeriod;

/// <summary>Close a tenant's billing period (a calendar month in its zone, e.g. <c>2026-06</c>) and issue its invoice, once.</summary>
public sealed record ClosePeriod(string? Period)
{
    public sealed class Validator : AbstractValidator<ClosePeriod>
    {
        public Validator() =>
            RuleFor(x => x.Period).Must(p => BillingPeriod.TryParse(p, out _)).WithMessage("period must be a month such as 2026-06");
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/tenants/{tenantId}/invoices", Handle).RequireAuthorization(Policies.Finance).WithTags("Invoices")
            .Produces<InvoiceResponse>(StatusCodes.Status201Created).Produces<InvoiceResponse>()
            .WithSummary("Close a billing period that has ended and issue its invoice; closing it again returns the same invoice");

    public static async Task<IResult> Handle(
        string tenantId, ClosePeriod body, IDocumentStore store, NpgsqlDataSource db, IOptions<InvoicingOptions> options, IClock clock, CancellationToken ct)
    {
        var validation = new Validator().Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);
        BillingPeriod.TryParse(body.Period, out var month);
        var period = BillingPeriod.Format(month);
        var streamKey = InvoiceStreams.For(tenantId, period);

        await using var session = store.LightweightSession();
        if (await session.LoadAsync<Invoice>(streamKey, ct) is { } existing) return Results.Ok(InvoiceResponse.From(existing));
        var tenant = await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct);
        if (tenant is null) return Problems.NotFound($"Tenant '{tenantId}' was not found");
        var now = clock.GetCurrentInstant();
        var interval = BillingPeriod.In(month, tenant.Zone);
        if (interval.End > now) return Problems.BadRequest("period", $"period {period} has not ended yet in {tenant.TimeZone} (it ends at {interval.End})");

        var terms = await session.LoadAsync<InvoiceTerms>(tenantId, ct) ?? InvoiceTerms.DefaultFor(tenantId);
        var (usage, usageEvents) = await InvoiceUsage.GroupsAsync(db, store.Options.DatabaseSchemaName, tenantId, interval, ct);
        var account = (await session.Events.FetchStreamAsync(AccountStreams.For(tenantId), token: ct))
            .Concat(await session.Events.FetchStreamAsync(AccountStreams.Decisions(tenantId), token: ct))
            .OrderBy(e => e.Sequence).Select(e => e.Data).ToList();
        // Plan, package and credit deductions come from the funding decisions: an invoice must not be issued before them.
        var funded = AccountActivity.FundedEvents(account, interval);
        if (funded < usageEvents)
            return Results.Problem($"{usageEvents - funded} of the period's {usageEvents} rated usage events are not funded yet; retry in a few seconds",
                statusCode: StatusCodes.Status409Conflict, title: "Funding has not caught up");
        var (charges, prepaid) = AccountActivity.In(account, interval);
        var figures = InvoiceBuilder.Build(new PeriodActivity(usage, charges, prepaid), tenant.Currency, terms.TaxRatePercent);

        var issuer = options.Value;
        var issueDate = now.InZone(tenant.Zone).Date;
        await session.BeginTransactionAsync(ct);
        var number = await InvoiceNumbers.NextAsync(session, issuer.IssuerId, issueDate.Year, ct);
        var issued = new InvoiceIssued(streamKey, number, issuer.IssuerId, tenantId, period, interval.Start, interval.End,
            new InvoiceParty(issuer.IssuerName, issuer.IssuerAddressLines, issuer.IssuerTaxId), new InvoiceParty(tenant.Name, [], null),
            issuer.PaymentInstructions, issueDate, issueDate.PlusDays(terms.NetDays), tenant.Currency, terms.TaxRatePercent, figures.Lines,
            figures.Subtotal, figures.TaxTotal, figures.Total, figures.PrepaidApplied, figures.AmountDue, now);
        session.Events.StartStream<Invoice>(streamKey, issued);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ExistingStreamIdCollisionException)
        {
            await using var reader = store.QuerySession();
            return Results.Ok(InvoiceResponse.From((await reader.LoadAsync<Invoice>(streamKey, ct))!));
        }
        return Results.Created($"/api/invoices/{number}", InvoiceResponse.From(Invoice.Create(issued)));
    }
}
