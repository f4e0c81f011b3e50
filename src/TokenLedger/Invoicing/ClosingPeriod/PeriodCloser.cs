using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Balances;
using TokenLedger.Balances.Funding;
using TokenLedger.Tenants;
using TokenLedger.Usage.Facts;

namespace TokenLedger.Invoicing.ClosingPeriod;

public abstract record CloseOutcome
{
    public sealed record Issued(Invoice Invoice) : CloseOutcome;
    public sealed record AlreadyIssued(Invoice Invoice) : CloseOutcome;
    public sealed record TenantNotFound : CloseOutcome;
    public sealed record NotEnded(string Detail) : CloseOutcome;
    public sealed record NotFunded(string Detail) : CloseOutcome;
    public sealed record NothingToBill : CloseOutcome;
    public sealed record OtherCadence(string Detail) : CloseOutcome;
}

/// <summary>
/// Issues a tenant's invoice for a month, once: the invoice stream key is the tenant and period, so a second close (another
/// request, another instance, the automatic closer) collides and gets the first one, and its number's transaction rolls back.
/// </summary>
public sealed class PeriodCloser(IDocumentStore store, Npgsql.NpgsqlDataSource db, IOptions<InvoicingOptions> options, IClock clock)
{
    public async Task<CloseOutcome> CloseAsync(string tenantId, PeriodSpan month, CancellationToken ct, bool skipEmpty = false, string? actedBy = null)
    {
        var period = month.Text;
        var streamKey = InvoiceStreams.For(tenantId, period);

        await using var session = store.LightweightSession();
        if (await session.LoadAsync<Invoice>(streamKey, ct) is { } existing) return new CloseOutcome.AlreadyIssued(existing);
        var tenant = await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct);
        if (tenant is null) return new CloseOutcome.TenantNotFound();
        var now = clock.GetCurrentInstant();
        var interval = month.In(tenant.Zone);
        if (interval.End > now) return new CloseOutcome.NotEnded($"period {period} has not ended yet in {tenant.TimeZone} (it ends at {interval.End})");

        var terms = await session.LoadAsync<InvoiceTerms>(tenantId, ct) ?? InvoiceTerms.DefaultFor(tenantId);
        if (terms.Cadence != month.Cadence)
            return new CloseOutcome.OtherCadence($"tenant '{tenantId}' is billed {terms.Cadence}; {period} is a {month.Cadence} period");
        if (skipEmpty && !await MayBillAnythingAsync(tenantId, interval.End, ct)) return new CloseOutcome.NothingToBill();
        var accountStreams = (await session.Events.FetchStreamAsync(AccountStreams.For(tenantId), token: ct))
            .Concat(await session.Events.FetchStreamAsync(AccountStreams.Decisions(tenantId), token: ct))
            .Select(e => (e.Sequence, e.Data)).ToList();
        // From here on everything happens in one transaction: marking the usage billed, the number and the invoice stream.
        // Returning without SaveChanges rolls all of it back.
        await session.BeginTransactionAsync(ct);
        var schema = store.Options.DatabaseSchemaName;
        await InvoicedUsage.LockTenantAsync(session.Connection!, tenantId, ct);
        if (await IssuedMeanwhileAsync(session.Connection!, schema, streamKey, ct))
        {
            await using var reader = store.QuerySession();
            return new CloseOutcome.AlreadyIssued((await reader.LoadAsync<Invoice>(streamKey, ct))!);
        }
        var billed = await InvoicedUsage.MarkAsync(session.Connection!, schema, tenantId, streamKey, interval.End, ct);
        var (usage, usageEvents) = await InvoiceUsage.GroupsAsync(session.Connection!, schema, streamKey, interval.Start, tenant.TimeZone, ct);
        // Plan, package and credit deductions come from the funding decisions: an invoice must not be issued before them.
        var fundedUsage = await FundedUsagePages.ForTenantAsync(session.Connection!, schema, store.Options.Serializer(), tenantId, ct);
        var account = accountStreams.Concat(fundedUsage).OrderBy(e => e.Sequence).Select(e => e.Data).ToList();
        var funded = AccountActivity.FundedEvents(account, billed);
        if (funded < usageEvents)
            return new CloseOutcome.NotFunded($"{usageEvents - funded} of the {usageEvents} rated usage events to bill are not funded yet; retry in a few seconds");
        var (charges, prepaid) = AccountActivity.In(account, interval, billed);
        var corrections = await InvoicedAdjustments.BillAsync(session.Connection!, schema, tenantId, streamKey, ct);
        var volume = await VolumeDiscountLines.SettleAsync(session.Connection!, schema, session, streamKey, interval, account, ct);
        var figures = InvoiceBuilder.Build(new PeriodActivity(usage, [.. charges, .. corrections, .. volume], prepaid), tenant.Currency, terms.TaxRatePercent);
        if (skipEmpty && figures.Lines.Count == 0) return new CloseOutcome.NothingToBill();

        var issuer = options.Value;
        var issueDate = now.InZone(tenant.Zone).Date;
        var number = await InvoiceNumbers.NextAsync(session, issuer.IssuerId, issueDate.Year, ct);
        var issued = new InvoiceIssued(streamKey, number, issuer.IssuerId, tenantId, period, interval.Start, interval.End,
            new InvoiceParty(issuer.IssuerName, issuer.IssuerAddressLines, issuer.IssuerTaxId), new InvoiceParty(tenant.Name, [], null),
            issuer.PaymentInstructions, issueDate, issueDate.PlusDays(terms.NetDays), tenant.Currency, terms.TaxRatePercent, figures.Lines,
            figures.Subtotal, figures.TaxTotal, figures.Total, figures.PrepaidApplied, figures.AmountDue, now, actedBy);
        session.Events.StartStream<Invoice>(streamKey, issued);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ExistingStreamIdCollisionException)
        {
            await using var reader = store.QuerySession();
            return new CloseOutcome.AlreadyIssued((await reader.LoadAsync<Invoice>(streamKey, ct))!);
        }
        return new CloseOutcome.Issued(Invoice.Create(issued));
    }

    private readonly Lazy<string[]> _billableAccountEventTypes = new(() =>
    {
        var events = (Marten.Events.EventGraph)((DocumentStore)store).Options.Events;
        return [events.EventMappingFor(typeof(SubscriptionFeeCharged)).EventTypeName, events.EventMappingFor(typeof(TokenPackagePurchased)).EventTypeName];
    });

    /// <summary>
    /// A cheap, conservative test that lets the automatic close skip a tenant without reading its account and funding
    /// history: an invoice has lines only from usage to bill (whose funding, corrections and volume tiers come with it),
    /// or from a subscription fee or token package charged on the account. False only when there is neither.
    /// </summary>
    private async Task<bool> MayBillAnythingAsync(string tenantId, Instant end, CancellationToken ct)
    {
        var schema = store.Options.DatabaseSchemaName;
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await InvoicedUsage.AnyToMarkAsync(connection, schema, tenantId, end, ct)) return true;
        await using var command = new Npgsql.NpgsqlCommand(
            $"select exists (select 1 from {schema}.mt_events where stream_id = any(@streams) and type = any(@types))", connection);
        command.Parameters.AddWithValue("streams", new[] { AccountStreams.For(tenantId), AccountStreams.Decisions(tenantId) });
        command.Parameters.AddWithValue("types", _billableAccountEventTypes.Value);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<bool> IssuedMeanwhileAsync(Npgsql.NpgsqlConnection connection, string schema, string streamKey, CancellationToken ct)
    {
        await using var command = new Npgsql.NpgsqlCommand($"select exists (select 1 from {schema}.mt_streams where id = @id)", connection);
        command.Parameters.AddWithValue("id", streamKey);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
