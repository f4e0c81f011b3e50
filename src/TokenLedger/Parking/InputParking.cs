using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace TokenLedger.Parking;

/// <summary>One input decided on a fresh copy of its account: the decided copy and events, or the last error.</summary>
public sealed record DecisionAttempt<TState>(TState State, IReadOnlyList<object> Events, Exception? Error, int Attempts)
{
    public bool Decided => Error is null;
}

/// <summary>
/// How a money-deciding subscription survives an input it cannot decide: it tries <see cref="ParkingOptions.Attempts"/>
/// times, each on a fresh copy of the account, then parks the input with its reason (<see cref="ParkedInput"/>) and
/// holds back every later input of the same account, so that account is still decided in ledger order while every
/// other account goes on. An operator's retry decides the parked input and then the held ones, in order.
/// </summary>
public sealed class InputParking(IOptions<ParkingOptions> options, IClock clock, IDecisionFaults faults, ILogger<InputParking> logger)
{
    public int Attempts => options.Value.Attempts;

    /// <summary>For a subscription's fast path, which decides on the account itself: the test hook runs there too.</summary>
    public void BeforeDeciding(string subscription, string accountId, object input) => faults.BeforeDeciding(subscription, accountId, input);

    public DecisionAttempt<TState> Decide<TState>(
        string subscription, string accountId, object input, TState state, Func<TState, TState> copy, Func<TState, IReadOnlyList<object>> decide)
    {
        Exception? last = null;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var fresh = copy(state);
            try
            {
                faults.BeforeDeciding(subscription, accountId, input);
                return new DecisionAttempt<TState>(fresh, decide(fresh), null, attempt);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                last = e;
            }
        }
        return new DecisionAttempt<TState>(state, [], last, Attempts);
    }

    /// <summary>Inputs the first decision of <paramref name="accountId"/>s found parked or held, by account, in ledger order.</summary>
    public static async Task<PendingInputs> PendingAsync(IQuerySession session, string subscription, IReadOnlyCollection<string> accountIds, CancellationToken ct)
    {
        var ids = accountIds.ToArray();
        var rows = await session.Query<ParkedInput>()
            .Where(p => p.Subscription == subscription && p.Status != ParkedStatus.Decided && ids.Contains(p.AccountId))
            .ToListAsync(ct);
        return new PendingInputs(rows);
    }

    public ParkedInput Park(string subscription, string accountId, IEvent e, Exception error, int attempts)
    {
        var parked = new ParkedInput
        {
            Id = ParkedInput.IdFor(subscription, e.Sequence, accountId), Subscription = subscription, AccountId = accountId,
            Sequence = e.Sequence, EventId = e.Id, EventType = e.EventTypeName, Status = ParkedStatus.Parked, Attempts = attempts,
            ParkedAt = clock.GetCurrentInstant(),
        };
        Failed(parked, error, 0);
        return parked;
    }

    /// <summary>A retry of <paramref name="parked"/> failed again: it stays parked with the new reason.</summary>
    public void Failed(ParkedInput parked, Exception error, int attempts)
    {
        parked.Status = ParkedStatus.Parked;
        parked.HeldBehind = null;
        parked.Attempts += attempts;
        parked.ExceptionType = error.GetType().FullName;
        parked.Reason = error.Message;
        logger.LogWarning(error,
            "{Subscription} parked input {ParkedId} of account {AccountId} (sequence {Sequence}, {EventType}) after {Attempts} attempts: {ExceptionType}: {Reason}. " +
            "Later inputs of that account are held; every other account goes on. Retry with POST {RetryPath}",
            parked.Subscription, parked.Id, parked.AccountId, parked.Sequence, parked.EventType, parked.Attempts, parked.ExceptionType, parked.Reason,
            $"/api/operator/parked/{parked.Id}/retry");
    }

    public ParkedInput Hold(string subscription, string accountId, IEvent e, ParkedInput behind)
    {
        logger.LogInformation("{Subscription} holds input of account {AccountId} (sequence {Sequence}) behind parked input {ParkedId}",
            subscription, accountId, e.Sequence, behind.Id);
        return new ParkedInput
        {
            Id = ParkedInput.IdFor(subscription, e.Sequence, accountId), Subscription = subscription, AccountId = accountId,
            Sequence = e.Sequence, EventId = e.Id, EventType = e.EventTypeName, Status = ParkedStatus.Held, HeldBehind = behind.Id,
            Reason = $"held behind parked input {behind.Id} so that account {accountId} is decided in ledger order", ParkedAt = clock.GetCurrentInstant(),
        };
    }

    public void Decided(ParkedInput input, ParkedInputRetryRequested retry, int attempts)
    {
        input.Status = ParkedStatus.Decided;
        input.HeldBehind = null;
        input.Attempts += attempts;
        input.Retries++;
        input.RetriedBy = retry.RequestedBy;
        input.DecidedAt = clock.GetCurrentInstant();
        logger.LogInformation("{Subscription} decided input {ParkedId} of account {AccountId} on retry", input.Subscription, input.Id, input.AccountId);
    }
}

/// <summary>The parked and held inputs of the accounts on a page, kept up to date while the page is decided.</summary>
public sealed class PendingInputs(IEnumerable<ParkedInput> rows)
{
    private readonly Dictionary<string, List<ParkedInput>> _byAccount = rows
        .GroupBy(r => r.AccountId, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Sequence).ToList(), StringComparer.Ordinal);

    public bool Any => _byAccount.Count > 0;

    /// <summary>The account's first parked input, if it has one: later inputs wait behind it.</summary>
    public ParkedInput? Blocking(string accountId) => _byAccount.GetValueOrDefault(accountId)?.FirstOrDefault();

    public IReadOnlyList<ParkedInput> Of(string accountId) => _byAccount.GetValueOrDefault(accountId) ?? [];

    public void Add(ParkedInput row) => (_byAccount.TryGetValue(row.AccountId, out var list) ? list : _byAccount[row.AccountId] = []).Add(row);

    public void Remove(ParkedInput row)
    {
        if (!_byAccount.TryGetValue(row.AccountId, out var list)) return;
        list.Remove(row);
        if (list.Count == 0) _byAccount.Remove(row.AccountId);
    }
}
