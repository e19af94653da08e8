"""Bulletins and the annual evaluation report (通报 / 评估报告), issue 16."""
