using FluentValidation;
using NodaTime;
using TokenLedger.Infrastructure;

namespace TokenLedger.Plans.DefiningPlans;

public sealed record PutPlanCap(string? Window, string? Unit, long Limit);

/// <summary>Defines a plan or replaces its terms.</summary>
public sealed record PutPlan(
    string PlanId,
    string? Name,
    string? Currency,
    decimal MonthlyFee,
    decimal? IntroFee,
    int IntroMonths,
    IReadOnlyList<string>? Models,
    IReadOnlyList<PutPlanCap>? Caps,
    string? OveragePolicy)
{
    public static readonly string[] Windows = ["rolling-5h", "month"];
    public static readonly string[] Units = ["requests", "tokens"];
    public static readonly string[] Policies = ["block", "payg", "throttle"];

    public sealed class Validator : AbstractValidator<PutPlan>
    {
        public Validator()
        {
            RuleFor(x => x.PlanId).Matches(LedgerIds.Pattern).WithMessage(LedgerIds.Rule("planId"));
            RuleFor(x => x.Name).NotEmpty().WithMessage("name is required").MaximumLength(200);
            RuleFor(x => x.Currency).NotEmpty().Matches(@"^[A-Z]{3}\z").WithMessage("currency must be an ISO 4217 code such as CNY or USD");
            RuleFor(x => x.MonthlyFee).GreaterThanOrEqualTo(0).WithMessage("monthlyFee must be 0 or more");
            RuleFor(x => x.MonthlyFee).AtMost(Bounds.MaxMoney, "monthlyFee");
            RuleFor(x => x.IntroFee).AtMost(Bounds.MaxMoney, "introFee");
            RuleFor(x => x.IntroFee).GreaterThanOrEqualTo(0).When(x => x.IntroFee is not null).WithMessage("introFee must be 0 or more");
            RuleFor(x => x.IntroMonths).InclusiveBetween(0, 120).WithMessage("introMonths must be between 0 and 120");
            RuleFor(x => x.IntroMonths).GreaterThan(0).When(x => x.IntroFee is not null).WithMessage("introMonths must be at least 1 when introFee is set");
            RuleFor(x => x.Models).NotEmpty().WithMessage("models must list the models the plan covers, or [\"*\"] for all");
            RuleForEach(x => x.Models).NotEmpty().MaximumLength(200);
            RuleFor(x => x.Caps).NotEmpty().WithMessage("a plan needs at least one cap (rolling-5h or month, in requests or tokens)");
            RuleForEach(x => x.Caps).ChildRules(cap =>
            {
                cap.RuleFor(c => c.Window).Must(w => Windows.Contains(w)).WithMessage("window must be rolling-5h or month");
                cap.RuleFor(c => c.Unit).Must(u => Units.Contains(u)).WithMessage("unit must be requests or tokens");
                cap.RuleFor(c => c.Limit).GreaterThan(0).WithMessage("limit must be greater than 0");
                cap.RuleFor(c => c.Limit).LessThanOrEqualTo(Bounds.MaxCapLimit).WithMessage($"limit must be at most {Bounds.Text(Bounds.MaxCapLimit)}");
            });
            RuleFor(x => x.Caps).Must(caps => caps is null || caps.Select(c => (c.Window, c.Unit)).Distinct().Count() == caps.Count)
                .WithMessage("each (window, unit) cap may appear once");
            RuleFor(x => x.OveragePolicy).Must(p => Policies.Contains(p)).WithMessage("overagePolicy must be block, payg or throttle");
        }
    }

    public PlanDefined ToEvent(Instant now, string? actedBy = null) => new(
        PlanId, Name!, Currency!, MonthlyFee, IntroFee, IntroFee is null ? 0 : IntroMonths,
        Models!.Distinct().ToList(),
        Caps!.Select(c => new PlanCap(c.Window == "month" ? CapWindow.Month : CapWindow.Rolling5h,
            c.Unit == "tokens" ? CapUnit.Tokens : CapUnit.Requests, c.Limit)).ToList(),
        Enum.Parse<OveragePolicy>(OveragePolicy!, ignoreCase: true),
        now,
        actedBy);
}
