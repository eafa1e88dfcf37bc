"""The compliance features built on the privacy core and the domains: the retention schedule
and its purge runs, data-subject requests and the subject's copy, the evidence report and
its checks of the whole system, the canary scan, the record of processing, and their pages.
"""
