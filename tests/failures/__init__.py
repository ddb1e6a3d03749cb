"""Failure tests (issue 14): what happens when a process dies, the database or the storage fails, or the PDF
renderer breaks, all on PostgreSQL.

Matrix of failure tests: failure → what must happen → the test that proves it.

- `import_results` killed (SIGKILL) mid-write, after writing assessments and results
  → no row of that import, earlier rows untouched; the same command run again imports all
  → test_import_killed.py::test_the_results_command_killed_mid_write_leaves_no_row_and_a_rerun_imports_all
- The import page's confirmation killed (SIGKILL) inside its one transaction
  → no row of the import, the batch still "checked"; confirming on the page imports all
  → test_import_killed.py::test_the_import_pages_confirmation_killed_mid_write_leaves_the_batch_waiting
- A database error at any write statement of the entry form's save
  → the 500 page (Vietnamese, templates/500.html); values, results, status and history unchanged
  → test_database_errors.py::test_a_database_error_at_any_write_of_the_entry_form_saves_nothing
- A PostgreSQL error in a workflow step (submit), after the status update
  → the 500 page; still a draft at its version, no history row
  → test_database_errors.py::test_a_database_error_in_a_workflow_step_keeps_the_status_and_the_history
- The database down while an error page is made
  → 400/403/404/500 pages render in Vietnamese without a query
  → test_database_errors.py::test_the_error_pages_render_in_vietnamese_without_the_database
- The evidence storage raising OSError on upload (at once, or the disk full half-way)
  → a Vietnamese message; no evidence row, history or assessment; no file or part of one
  → test_storage_errors.py::test_a_storage_error_on_upload_says_so_and_keeps_nothing
- The same on replacing a rejected file
  → the message; the rejected evidence and its file as they were, no replacement
  → test_storage_errors.py::test_a_storage_error_on_replace_says_so_and_keeps_the_rejected_file_alone
- The database failing after the file was stored: writing the row, or the COMMIT itself
  → the 500 page; no row, and the stored file removed
  → test_storage_errors.py::test_a_database_error_after_the_file_was_stored_removes_the_file,
    test_storage_errors.py::test_a_failed_commit_after_the_file_was_stored_removes_the_file
- WeasyPrint raising in a render job
  → the job "failed" with a Vietnamese reason and a "Try again" button; trying again makes the PDF
  → test_render_failure.py::test_a_weasyprint_failure_fails_the_job_with_a_reason_and_try_again_makes_the_pdf
- WeasyPrint raising while a report is issued
  → the job failed, the report still a draft without files; trying again issues it
  → test_render_failure.py::test_a_failed_issue_is_not_issued_and_trying_again_issues_it
- Two staff saving the same assessment
  → the second refused (409) with what the first changed (who, indicator, old → new); the first's value kept
  → test_concurrent_save.py::test_the_second_of_two_staff_saving_the_same_results_is_refused_with_what_changed,
    tests/criteria/test_services.py::test_stale_form_is_refused_and_nothing_is_lost,
    tests/criteria/test_views.py::test_stale_form_is_refused_showing_what_changed
"""
