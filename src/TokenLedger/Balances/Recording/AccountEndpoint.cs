using FluentValidation;
using Microsoft.AspNetCore.Http;
using NodaTime;
using TokenLedger.Balances.GettingBalance;
using TokenLedger.Infrastructure;

namespace TokenLedger.Balances.Recording;

/// <summary>The steps every account command endpoint shares: shape validation, tenant and currency checks, append, respond with the balance.</summary>
public static class AccountEndpoint
{
    public static async Task<IResult> RecordAsync<TCommand>(
        TCommand command, AbstractValidator<TCommand> validator, string tenantId, string requestId, string? currency,
        Func<Instant, object> fact, AccountCommands accounts, IClock clock, CancellationToken ct)
    {
        var validation = validator.Validate(command);
        if (!validation.IsValid) return Problems.Validation(validation);
        var tenant = await accounts.TenantAsync(tenantId, ct);
        if (tenant is null) return Problems.NotFound($"Tenant '{tenantId}' was not found");
        if (currency is not null && currency != tenant.Currency)
            return Problems.BadRequest("currency", $"tenant '{tenantId}' is billed in {tenant.Currency}, not {currency}");
        var now = clock.GetCurrentInstant();
        return await accounts.AppendAsync(tenantId, requestId, fact(now), account => Results.Ok(BalanceResponse.From(account, tenant, now)), ct);
    }

    public static string NewId(string prefix) => $"{prefix}-{Guid.CreateVersion7():N}";
}

public static class MoneyRules
{
    public static IRuleBuilderOptions<T, decimal> PositiveMoney<T>(this IRuleBuilder<T, decimal> rule, string field) =>
        rule.GreaterThan(0).WithMessage($"{field} must be greater than 0").PrecisionScale(20, 6, true).WithMessage($"{field} has at most 6 decimals");

    public static IRuleBuilderOptions<T, string?> Currency<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("currency is required").Matches(@"^[A-Z]{3}\z").WithMessage("currency must be an ISO 4217 code such as CNY");

    /// <summary>An optional idempotency key: a retried request with the same id records nothing new.</summary>
    public static IRuleBuilderOptions<T, string?> OptionalRequestId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(id => id is null || LedgerIds.IsValid(id)).WithMessage(LedgerIds.Rule("requestId"));

    /// <summary>Why money was moved by hand (an adjustment, refund, credit or write-off): required, at most 500 characters.</summary>
    public static IRuleBuilderOptions<T, string?> RequiredReason<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("reason is required").MaximumLength(500);
}
