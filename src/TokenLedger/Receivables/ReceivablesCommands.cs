using Marten;
using Microsoft.AspNetCore.Http;
using Npgsql;
using NodaTime;
using TokenLedger.Balances;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing;
using TokenLedger.Tenants;

namespace TokenLedger.Receivables;

/// <summary>What a receivables command sees: the tenant, its receivables stream state and its invoices with what is still open on them.</summary>
public sealed record ReceivablesContext(Tenant Tenant, ReceivablesAccount Account, IReadOnlyList<OpenInvoice> Invoices, Instant Now);

/// <summary>
/// A command's outcome, in domain terms: events for the receivables stream (and a fact for the account stream) with the
/// fact recorded, the fact an earlier identical command recorded, or a refusal naming the field. HTTP is the edge's job
/// (<see cref="ReceivablesAnswers"/>).
/// </summary>
public abstract record ReceivablesDecision
{
    public sealed record Append(IReadOnlyList<object> Events, object Recorded, object? AccountFact = null) : ReceivablesDecision;
    public sealed record AlreadyDone(object Recorded) : ReceivablesDecision;
    public sealed record Refused(string Field, string Reason) : ReceivablesDecision;
    public sealed record UnknownTenant(string TenantId) : ReceivablesDecision;
}

/// <summary>The HTTP answer to a receivables decision: 201 at <c>location</c> for a new fact, 200 for a repeat, 400, 404.</summary>
public static class ReceivablesAnswers
{
    public static IResult ToResult(ReceivablesDecision decision, string location) => decision switch
    {
        ReceivablesDecision.Append append => Results.Created(location, append.Recorded),
        ReceivablesDecision.AlreadyDone done => Results.Ok(done.Recorded),
        ReceivablesDecision.Refused refused => Infrastructure.Problems.BadRequest(refused.Field, refused.Reason),
        ReceivablesDecision.UnknownTenant unknown => Infrastructure.Problems.NotFound($"Tenant '{unknown.TenantId}' was not found"),
        _ => throw new ArgumentOutOfRangeException(nameof(decision)),
    };
}

/// <summary>
/// Runs a receivables decider against the tenant's current state and appends its events at the stream version it read.
/// Two requests racing (two instances, a retried request, the dunning runner) collide on that version; the loser reads
/// again and decides again, so a reference or step that the winner recorded is seen and not applied twice.
/// </summary>
public sealed class ReceivablesCommands(IDocumentStore store, IClock clock)
{
    private const int Attempts = 20;

    public async Task<ReceivablesDecision> RunAsync(string tenantId, Func<ReceivablesContext, ReceivablesDecision> decide, CancellationToken ct)
    {
        return await StreamConflicts.RetryAsync(Attempts, async () =>
        {
            await using var session = store.LightweightSession();
            var tenant = await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct);
            if (tenant is null) return new ReceivablesDecision.UnknownTenant(tenantId);
            var context = await ContextAsync(session, tenant, ct);
            var decision = decide(context.Context);
            if (decision is not ReceivablesDecision.Append append) return decision;
            context.Stream.AppendMany(append.Events);
            if (append.AccountFact is { } fact) await session.AppendAtCurrentVersionAsync(AccountStreams.For(tenantId), ct, fact);
            await session.SaveChangesAsync(ct);
            return decision;
        }, ct);
    }

    /// <summary>Appends decided events for a tenant if its stream is still at the version the decision read; false when it moved.</summary>
    public async Task<bool> TryAppendAsync(string tenantId, Instant now, Func<ReceivablesContext, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var tenant = await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct);
        if (tenant is null) return true;
        var context = await ContextAsync(session, tenant, ct, now);
        var events = decide(context.Context);
        if (events.Count == 0) return true;
        context.Stream.AppendMany(events);
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception e) when (StreamConflicts.Is(e))
        {
            return false;
        }
    }

    private async Task<(ReceivablesContext Context, JasperFx.Events.IEventStream<ReceivablesAccount> Stream)> ContextAsync(
        IDocumentSession session, Tenant tenant, CancellationToken ct, Instant? now = null)
    {
        var stream = await session.Events.FetchForWriting<ReceivablesAccount>(ReceivableStreams.For(tenant.TenantId), ct);
        var account = stream.Aggregate ?? ReceivablesAccount.Empty(tenant.TenantId);
        var invoices = await session.Query<Invoice>().Where(i => i.TenantId == tenant.TenantId).ToListAsync(ct);
        var at = now ?? clock.GetCurrentInstant();
        var open = invoices.Where(i => i.AmountDue > 0 && i.IssuedAt <= at)
            .Select(i => new OpenInvoice(i.Number, i.DueDate, i.Currency, i.AmountDue, account.Settled.GetValueOrDefault(i.Number))).ToList();
        // A debit note is a receivable of its own: payments, write-offs and dunning treat it like an invoice.
        open.AddRange(account.AllNotes().Where(n => n.Kind == Invoicing.CreditNotes.CreditNoteKinds.Debit && n.IssuedAt <= at)
            .Select(n => new OpenInvoice(n.Number, n.DueDate, n.Currency, n.Total, account.Settled.GetValueOrDefault(n.Number))));
        return (new ReceivablesContext(tenant, account, open, at), stream);
    }
}
