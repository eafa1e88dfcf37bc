"""Shop texts for the portal, in Polish and English."""

from imbplus.web.i18n import register

register(
    {
        "shop.nav": {"pl": "Sklep", "en": "Shop"},
        "shop.orders.nav": {"pl": "Zamówienia i faktury", "en": "Orders and invoices"},
        "shop.title": {"pl": "Zamów dekoder i pakiet", "en": "Order a box and a package"},
        "shop.box": {"pl": "Dekoder", "en": "Set-top box"},
        "shop.package": {"pl": "Pakiet (opłata miesięczna)", "en": "Package (monthly fee)"},
        "shop.none": {"pl": "bez", "en": "none"},
        "shop.per_month": {"pl": "/ miesiąc", "en": "/ month"},
        "shop.card": {"pl": "Płatność kartą", "en": "Card payment"},
        "shop.card.number": {"pl": "Numer karty", "en": "Card number"},
        "shop.card.month": {"pl": "Miesiąc ważności", "en": "Expiry month"},
        "shop.card.year": {"pl": "Rok ważności", "en": "Expiry year"},
        "shop.card.cvv": {"pl": "Kod CVV", "en": "Security code (CVV)"},
        "shop.card.save": {
            "pl": "Zapamiętaj kartę do opłat miesięcznych (numer przechowujemy zaszyfrowany "
            "własnym kluczem karty i pokazujemy tylko zamaskowany; usunięcie karty niszczy "
            "ten klucz)",
            "en": "Keep the card for monthly charges (the number is kept encrypted under the "
            "card's own key and shown only masked; removing the card destroys that key)",
        },
        "shop.card.note": {
            "pl": "Kodu CVV używamy tylko do tej autoryzacji i nigdzie go nie zapisujemy.",
            "en": "The security code is used for this authorization only and never stored.",
        },
        "shop.submit": {"pl": "Zamawiam i płacę", "en": "Order and pay"},
        "shop.placed": {
            "pl": "Dziękujemy! Zamówienie opłacone; powiadomimy Cię o wysyłce e-mailem i SMS-em.",
            "en": "Thank you! The order is paid; we will tell you about the shipment by e-mail "
            "and SMS.",
        },
        "shop.first_period": {
            "pl": "Pierwszy miesiąc abonamentu liczymy proporcjonalnie: płacisz za dni od dnia "
            "zamówienia do końca miesiąca (ten dzień wliczony). Od następnego miesiąca płacisz "
            "pełną opłatę miesięczną.",
            "en": "The first month of a package is prorated: you pay for the days from the day "
            "of the order to the end of the month (that day included). From the next month on "
            "you pay the full monthly fee.",
        },
        "shop.placed.first_period": {
            "pl": "Za bieżący miesiąc abonamentu pobraliśmy opłatę proporcjonalną do liczby dni "
            "do końca miesiąca; od następnego miesiąca opłata jest pełna.",
            "en": "For the current month of your package we charged only the days left in the "
            "month; from the next month on you pay the full monthly fee.",
        },
        "shop.error.validation_failed": {
            "pl": "Popraw pola: {fields}.",
            "en": "Please correct: {fields}.",
        },
        "shop.error.payment_declined": {
            "pl": "Bank odrzucił płatność. Nic nie zamówiono ani nie pobrano.",
            "en": "The card was declined. Nothing was ordered or charged.",
        },
        "shop.error.payment_timeout": {
            "pl": "Operator płatności nie odpowiedział na czas. Nic nie zamówiono; spróbuj "
            "ponownie.",
            "en": "The payment provider did not answer in time. Nothing was ordered; try again.",
        },
        "shop.error.customer_suspended": {
            "pl": "Konto jest zawieszone; nowe zamówienia nie są możliwe.",
            "en": "The account is suspended; no new orders.",
        },
        "shop.error.other": {
            "pl": "Nie udało się złożyć zamówienia ({code}). Nic nie zostało pobrane.",
            "en": "The order could not be placed ({code}). Nothing was charged.",
        },
        "shop.error.nothing": {
            "pl": "Wybierz dekoder lub pakiet.",
            "en": "Choose a box or a package.",
        },
        "orders.title": {"pl": "Zamówienia i faktury", "en": "Orders and invoices"},
        "orders.none": {"pl": "Nie masz jeszcze zamówień.", "en": "No orders yet."},
        "orders.order": {"pl": "Zamówienie", "en": "Order"},
        "orders.paid_with": {"pl": "Zapłacono kartą", "en": "Paid by card"},
        "orders.invoice": {"pl": "Faktura", "en": "Invoice"},
        "orders.charged": {"pl": "Pobrano", "en": "Charged"},
        "orders.next_months": {
            "pl": "{name}: kolejne miesiące w pełnej wysokości, {amount} / mies., od {date}.",
            "en": "{name}: the following months in full, {amount} / month, from {date}.",
        },
        "orders.parcel": {"pl": "Przesyłka", "en": "Parcel"},
        "orders.status.created": {"pl": "przygotowana", "en": "being prepared"},
        "orders.status.handed_over": {"pl": "u przewoźnika", "en": "with the carrier"},
        "orders.status.in_transit": {"pl": "w drodze", "en": "on its way"},
        "orders.status.delivered": {"pl": "doręczona", "en": "delivered"},
        "orders.status.returned": {"pl": "zwrócona", "en": "returned"},
        "orders.status.lost": {"pl": "zaginiona", "en": "lost"},
        "orders.invoices": {"pl": "Faktury", "en": "Invoices"},
        "orders.paid": {"pl": "opłacona", "en": "paid"},
        "orders.unpaid": {"pl": "do zapłaty", "en": "to pay"},
        "orders.cards": {"pl": "Zapamiętane karty", "en": "Saved cards"},
        "orders.remove_card": {"pl": "Usuń kartę", "en": "Remove card"},
        "credit.title": {"pl": "Płatność z dołu (abonament)", "en": "Postpaid eligibility"},
        "credit.yes": {
            "pl": "Możesz przejść na płatność z dołu.",
            "en": "You are eligible for postpaid billing.",
        },
        "credit.no": {
            "pl": "Na razie płatność z dołu nie jest możliwa. Powody:",
            "en": "Postpaid billing is not available yet. Reasons:",
        },
        "credit.account_active": {"pl": "Konto aktywne", "en": "Account active"},
        "credit.payment_history": {
            "pl": "Co najmniej 3 opłacone faktury",
            "en": "At least 3 paid invoices",
        },
        "credit.tenure": {"pl": "Płatności od co najmniej 90 dni", "en": "Paying for 90+ days"},
        "credit.no_overdue_invoices": {
            "pl": "Brak zaległych faktur",
            "en": "No overdue invoices",
        },
        "credit.few_failed_charges": {
            "pl": "Najwyżej jedna nieudana płatność w 180 dni",
            "en": "At most one failed charge in 180 days",
        },
    }
)
