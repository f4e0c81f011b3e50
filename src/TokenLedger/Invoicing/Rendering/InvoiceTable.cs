using static TokenLedger.Invoicing.Rendering.InvoicePage;

namespace TokenLedger.Invoicing.Rendering;

/// <summary>The lines table: a shaded header row (repeated on every page) and one block per invoice line.</summary>
internal static class InvoiceTable
{
    private const float Gap = 6f;

    // Right edges of the columns; text columns start at the previous edge (+ gap).
    private const float DescriptionRight = Left + 168f;
    private const float ClassRight = DescriptionRight + 62f;
    private const float TokensRight = ClassRight + 70f;
    private const float PriceRight = TokensRight + 70f;
    private const float AmountRight = PriceRight + 80f;
    private const float TaxRight = Right;

    public static Block Header(InvoiceText text)
    {
        var b = new BlockBuilder(text);
        b.Fill(Left, 0f, Right, 18f, Shade);
        const float y = 12f;
        b.Left("Description / Model", Left + 4f, y, DescriptionRight - Left - 4f, TextStyle.TableHeader, Ink);
        b.Left("Class", DescriptionRight + Gap, y, ClassRight - DescriptionRight - Gap, TextStyle.TableHeader, Ink);
        b.Right("Tokens", TokensRight, y, TokensRight - ClassRight - Gap, TextStyle.TableHeader, Ink);
        b.Right("Unit price / 1M", PriceRight, y, PriceRight - TokensRight - Gap, TextStyle.TableHeader, Ink);
        b.Right("Amount", AmountRight, y, AmountRight - PriceRight - Gap, TextStyle.TableHeader, Ink);
        b.Right("Tax", TaxRight - 4f, y, TaxRight - AmountRight - Gap - 4f, TextStyle.TableHeader, Ink);
        return b.Build(20f);
    }

    public static Block Row(InvoiceLine line, string currency, InvoiceText text)
    {
        var b = new BlockBuilder(text);
        const float y = 11f;
        const float second = 21f;
        b.Left(line.Description, Left + 4f, y, DescriptionRight - Left - 4f, TextStyle.Body, Ink);
        var twoLines = line.Model.Length > 0;
        if (twoLines) b.Left(line.Model, Left + 4f, second, DescriptionRight - Left - 4f, TextStyle.Small, Muted);

        b.Left(line.TokenClass, DescriptionRight + Gap, y, ClassRight - DescriptionRight - Gap, TextStyle.Body, Ink);
        if (line.Quantity is { } quantity)
        {
            b.Number(InvoiceFormat.Tokens(quantity), TokensRight, y, TokensRight - ClassRight - Gap, TextStyle.Body, Ink);
        }

        if (line.UnitPricePerMillion is { } price)
        {
            b.Number(InvoiceFormat.UnitPrice(price, currency), PriceRight, y, PriceRight - TokensRight - Gap, TextStyle.Body, Ink);
        }

        b.Number(InvoiceFormat.Money(line.Amount, currency), AmountRight, y, AmountRight - PriceRight - Gap, TextStyle.Body, Ink);
        b.Number(InvoiceFormat.Money(line.TaxAmount, currency), TaxRight - 4f, y, TaxRight - AmountRight - Gap - 4f, TextStyle.Body, Ink);
        b.Right(InvoiceFormat.Rate(line.TaxRatePercent), TaxRight - 4f, second, TaxRight - AmountRight - Gap - 4f, TextStyle.Small, Muted);

        var height = 26f;
        b.Rule(Left, Right, height - 0.5f, Line);
        return b.Build(height);
    }
}
