;;; eglot-driver.el --- drives Emacs + eglot in batch mode for test/editors/run.mjs  -*- lexical-binding: t -*-
;;
;; Loads the README's init.el (the file named by CG_EMACS_INIT), then acts as a person would, in the
;; project folder: opens the Dockerfile, waits for CG-D060 in flymake (eglot's diagnostics), applies
;; "Replace ADD with COPY" from eglot-code-actions, saves; runs `container-guard-fix-all' on
;; fixall/Dockerfile, saves; opens compose.yaml and waits for CG-C070. Exits 0 when every step worked,
;; else 1 after one "FAIL: ..." line. The files on disk are checked by run.mjs. Waits are bounded polls.

;; `emacs -Q' does not activate installed packages; a normal Emacs does this by itself.
(require 'package)
(dolist (dir '("/usr/share/emacs/site-lisp/elpa" "/usr/share/emacs/site-lisp/elpa-src"))
  (when (file-directory-p dir) (add-to-list 'package-directory-list dir)))
(package-initialize)
(require 'cl-lib)
(require 'flymake)

(load (getenv "CG_EMACS_INIT") nil t)

(defconst cg-timeout 15.0)
(defconst cg-project default-directory "The project folder (run.mjs starts Emacs there).")

(defun cg-fail (format-string &rest args)
  (princ (concat "FAIL: " (apply #'format format-string args) "\n") #'external-debugging-output)
  (kill-emacs 1))

(defun cg-step (format-string &rest args)
  (princ (concat (apply #'format format-string args) "\n")))

(defun cg-wait (predicate what)
  "Process server output until PREDICATE is non-nil (its value is returned), else fail about WHAT."
  (let ((deadline (+ (float-time) cg-timeout)) value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (or value (cg-fail "%s (after %ss)" what cg-timeout))))

(defun cg-lsp-diagnostic (code)
  "The LSP diagnostic of rule CODE that eglot gave flymake in the current buffer, or nil."
  (cl-loop for diag in (flymake-diagnostics)
           for lsp = (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data diag)))
           when (and lsp (equal (plist-get lsp :code) code) (equal (plist-get lsp :source) "container-guard"))
           return (cons diag lsp)))

(defun cg-open (file)
  "Visit FILE as `find-file' does, then run what the command loop would run after it (eglot-ensure)."
  (find-file (expand-file-name file cg-project))
  (run-hooks 'post-command-hook)
  (cg-wait (lambda () (eglot-current-server)) (format "no eglot server for %s" file)))

;; 1. The Dockerfile: a diagnostic, settings from init.el, the quick fix.
(cg-open "Dockerfile")
(let* ((found (cg-wait (lambda () (cg-lsp-diagnostic "CG-D060")) "CG-D060 never appeared in Dockerfile"))
       (diag (car found))
       (line (line-number-at-pos (flymake-diagnostic-beg diag))))
  (cg-step "emacs: CG-D060 at line %d: %s" line (plist-get (cdr found) :message))
  (unless (= line 3) (cg-fail "CG-D060 on line %d, expected 3" line))
  ;; The profile in eglot-workspace-configuration reached the server: under "strict" CG-D020 is an error.
  (let ((d020 (cg-lsp-diagnostic "CG-D020")))
    (unless (and d020 (eq (flymake-diagnostic-type (car d020)) 'eglot-error))
      (cg-fail "CG-D020 is not an error: settings not applied")))
  (let* ((actions (eglot-code-actions (flymake-diagnostic-beg diag) (flymake-diagnostic-end diag) "quickfix"))
         (action (cl-find "Replace ADD with COPY" actions :key (lambda (a) (plist-get a :title)) :test #'equal)))
    (unless action (cg-fail "no \"Replace ADD with COPY\" code action"))
    (unless (plist-get action :edit) (cg-fail "the action has no edit"))
    (eglot--apply-workspace-edit (plist-get action :edit)))
  ;; The server sees the change (didChange) and drops the finding.
  (cg-wait (lambda () (not (cg-lsp-diagnostic "CG-D060"))) "CG-D060 still reported after the fix")
  (save-buffer)
  (cg-step "emacs: applied \"Replace ADD with COPY\" and saved the file"))

;; 2. Fix-all on a second Dockerfile: the server sends workspace/applyEdit. Eglot asks before a
;; server-initiated edit (eglot-confirm-server-initiated-edits); answer yes as a person would.
(cg-open "fixall/Dockerfile")
(cg-wait (lambda () (cg-lsp-diagnostic "CG-D073")) "CG-D073 never appeared in fixall/Dockerfile")
(let ((before (buffer-string)) (asked nil))
  (cl-letf (((symbol-function 'y-or-n-p) (lambda (&rest _) (setq asked t))))
    (container-guard-fix-all))
  (when (equal before (buffer-string)) (cg-fail "fix-all changed nothing (asked: %s)" asked))
  (save-buffer)
  (cg-step "emacs: ran container-guard-fix-all and saved fixall/Dockerfile"))

;; 3. A Compose file attaches too (yaml-mode, a Compose name), with its own server (languageId yaml).
(cg-open "compose.yaml")
(let ((found (cg-wait (lambda () (cg-lsp-diagnostic "CG-C070")) "CG-C070 never appeared in compose.yaml")))
  (cg-step "emacs: CG-C070 at line %d of compose.yaml" (line-number-at-pos (flymake-diagnostic-beg (car found)))))

(kill-emacs 0)
