using SkiaSharp;

namespace TokenLedger.Invoicing.Rendering;

/// <summary>A4 portrait geometry in points (1/72 inch) and the palette.</summary>
internal static class InvoicePage
{
    public const float Width = 595f;
    public const float Height = 842f;
    public const float Left = 40f;
    public const float Right = Width - 40f;
    public const float ContentWidth = Right - Left;
    public const float Top = 40f;

    /// <summary>Content stops here; the footer sits below.</summary>
    public const float ContentBottom = Height - 58f;

    public const float FooterRule = Height - 44f;
    public const float FooterBaseline = Height - 30f;

    public static readonly SKColor Ink = new(0x1F, 0x29, 0x37);
    public static readonly SKColor Muted = new(0x6B, 0x72, 0x80);
    public static readonly SKColor Line = new(0xD1, 0xD5, 0xDB);
    public static readonly SKColor Shade = new(0xF1, 0xF3, 0xF6);
    public static readonly SKColor InvoiceAccent = new(0x1E, 0x3A, 0x8A);
    public static readonly SKColor CreditAccent = new(0xB9, 0x1C, 0x1C);

    public static SKColor Accent(InvoiceKind kind) => kind == InvoiceKind.CreditNote ? CreditAccent : InvoiceAccent;

    public static string Title(InvoiceKind kind) => kind switch
    {
        InvoiceKind.CreditNote => "CREDIT NOTE 贷项通知单",
        InvoiceKind.DebitNote => "DEBIT NOTE",
        _ => "INVOICE 发票",
    };

    /// <summary>"Credit note for invoice TL-2026-000123", or null for an invoice without a reference.</summary>
    public static string? Reference(InvoiceDocument doc) => doc.ReferencesNumber is not { Length: > 0 } number
        ? null
        : doc.Kind switch
        {
            InvoiceKind.CreditNote => $"Credit note for invoice {number}",
            InvoiceKind.DebitNote => $"Debit note for invoice {number}",
            _ => $"Refers to invoice {number}",
        };

    public static string AmountDueLabel(InvoiceKind kind) => kind == InvoiceKind.CreditNote ? "Amount credited" : "Amount due";
}
