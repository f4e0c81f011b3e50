using Marten;
using Marten.Exceptions;
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

/// <summary>A command's outcome: events for the receivables stream (and account stream), an earlier identical result, or a refusal.</summary>
public abstract record ReceivablesDecision
{
    public sealed record Append(IReadOnlyList<object> Events, IResult Response, object? AccountFact = null) : ReceivablesDecision;
    public sealed record AlreadyDone(IResult Response) : ReceivablesDecision;
    public sealed record Refused(IResult Problem) : ReceivablesDecision;
}

/// <summary>
/// Runs a receivables decider against the tenant's current state and appends its events at the stream version it read.
/// Two requests racing (two instances, a retried request, the dunning runner) collide on that version; the loser reads
/// again and decides again, so a reference or step that the winner recorded is seen and not applied twice.
/// </summary>
public sealed class ReceivablesCommands(IDocumentStore store, IClock clock)
{
    public async Task<IResult> RunAsync(string tenantId, Func<ReceivablesContext, ReceivablesDecision> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var tenant = await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct);
            if (tenant is null) return Infrastructure.Problems.NotFound($"Tenant '{tenantId}' was not found");
            var context = await ContextAsync(session, tenant, ct);
            var stream = context.Stream;
            switch (decide(context.Context))
            {
                case ReceivablesDecision.Refused refused: return refused.Problem;
                case ReceivablesDecision.AlreadyDone done: return done.Response;
                case ReceivablesDecision.Append append:
                    stream.AppendMany(append.Events);
                    if (append.AccountFact is { } fact) session.Events.Append(AccountStreams.For(tenantId), fact);
                    try
                    {
                        await session.SaveChangesAsync(ct);
                        return append.Response;
                    }
                    catch (Exception e) when (attempt < 20 && IsConflict(e))
                    {
                        await Task.Delay(Random.Shared.Next(5, 20 * attempt), ct);
                    }
                    break;
            }
        }
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
        catch (Exception e) when (IsConflict(e))
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
        return (new ReceivablesContext(tenant, account, open, at), stream);
    }

    private static bool IsConflict(Exception e) => StreamConflicts.Is(e) || e is ExistingStreamIdCollisionException;
}
